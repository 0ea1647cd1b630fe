import { jsonArray, type ResourceCache } from '../reads/resource-cache.ts';
import { encodeCursor, nextLink } from '../params.ts';
import type { Reply } from '../reply.ts';

/**
 * A page of a collection keyed by string ids: `ids` holds up to `limit + 1` ids in order (see
 * store/catalog-reads.ts); the items come from `items` as cached bytes, and a `Link: rel="next"`
 * (RFC 8288) is added when there is one more.
 */
export function idPage(items: ResourceCache<string>, ids: string[], limit: number, path: string, query: Record<string, unknown>): Reply {
  const more = ids.length > limit;
  if (more) ids.length = limit;
  const body = jsonArray(ids, (id) => items.get(id));
  const last = ids[ids.length - 1];
  const headers = more && last !== undefined ? { Link: nextLink(path, query, encodeCursor({ id: last }), limit) } : undefined;
  return headers === undefined ? { status: 200, body } : { status: 200, body, headers };
}
