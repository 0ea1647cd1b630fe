import type { ResourceCache } from '../reads/resource-cache.ts';
import { encodeCursor, nextLink } from '../params.ts';
import type { Reply } from '../reply.ts';

const OPEN = Buffer.from('[');
const COMMA = Buffer.from(',');
const CLOSE = Buffer.from(']');

/**
 * A page of a collection keyed by string ids: `ids` holds up to `limit + 1` ids in order (see
 * store/catalog-reads.ts); the items come from `items` as cached bytes, and a `Link: rel="next"`
 * (RFC 8288) is added when there is one more.
 */
export function idPage(items: ResourceCache<string>, ids: string[], limit: number, path: string, query: Record<string, unknown>): Reply {
  const more = ids.length > limit;
  if (more) ids.length = limit;
  const parts: Buffer[] = [OPEN];
  for (const id of ids) {
    const item = items.get(id);
    if (item === undefined) continue;
    if (parts.length > 1) parts.push(COMMA);
    parts.push(item);
  }
  parts.push(CLOSE);
  const last = ids[ids.length - 1];
  const headers = more && last !== undefined ? { Link: nextLink(path, query, encodeCursor({ id: last }), limit) } : undefined;
  return headers === undefined ? { status: 200, body: Buffer.concat(parts) } : { status: 200, body: Buffer.concat(parts), headers };
}
