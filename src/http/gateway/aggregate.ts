import type { AreaReads } from '../reads/areas.ts';
import { LIMITS } from '../../core/schemas/common.ts';
import type { Reply } from '../reply.ts';
import type { ResponseCache } from './cache.ts';
import { gatewayProblems } from './problems.ts';
import { continueTrace, traceparentOf } from './traceparent.ts';
import type { StoredResponse, Upstream } from './upstream.ts';

/** The areas to aggregate as one encoded JSON array, and the `Cache-Control` their source sent. */
export interface AreaItems {
  json: Buffer;
  cacheControl: string;
}

/** Where `/aggregate/areas` takes its items: up to `max` areas in id order. @param traceparent the client's (may be ''). */
export type AreaSource = (max: number, traceparent: string) => Promise<AreaItems>;

const ROUTE = '/aggregate/areas';
const CACHE_KEY = 'aggregate:areas';
const OPEN = Buffer.from('{"items":');
const [OPEN_ARRAY, COMMA, CLOSE_ARRAY, EMPTY_ARRAY] = ['[', ',', ']', '[]'].map((s) => Buffer.from(s)) as [Buffer, Buffer, Buffer, Buffer];

/**
 * The local store as a source: pages of `GET /areas` (already encoded, AreaReads' page cache),
 * their items spliced into one array without decoding them.
 */
export function localAreas(reads: AreaReads): AreaSource {
  return async (max) => {
    const parts: Buffer[] = [];
    let after = 0;
    for (let left = max; left > 0;) {
      const limit = Math.min(left, LIMITS.pageMax);
      const page = reads.page(after, limit);
      if (page.body.length > 2) parts.push(parts.length === 0 ? OPEN_ARRAY : COMMA, page.body.subarray(1, -1));
      if (page.next === undefined) break;
      after = page.next;
      left -= limit;
    }
    return { json: parts.length === 0 ? EMPTY_ARRAY : Buffer.concat([...parts, CLOSE_ARRAY]), cacheControl: '' };
  };
}

/** The target of the `rel="next"` link of an RFC 8288 `Link` header, or undefined. */
function nextTarget(link: string): string | undefined {
  for (const m of link.matchAll(/<([^>]*)>([^<]*)/g))
    if (/;\s*rel\s*=\s*"?(?:[^"]*\s)?next(?:\s[^"]*)?"?\s*(?:;|,|$)/i.test(m[2] ?? '')) return m[1];
  return undefined;
}

/**
 * The upstream as a source: `GET {UPSTREAM_URL}/areas?limit=…`, then its `Link: rel="next"` pages
 * (same origin only), until `max` items or the last page. Each page must be a 200 JSON array.
 * @throws Problem 502 for another status or body, a link to another origin; 503/504 as Upstream.
 */
export function upstreamAreas(upstream: Upstream, maxPageBytes: number): AreaSource {
  return async (max, traceparent) => {
    const items: unknown[] = [];
    const headers = ['accept', 'application/json', 'traceparent', traceparentOf(continueTrace(traceparent))];
    let path: string | undefined = `${upstream.prefix}/areas?limit=${Math.min(max, LIMITS.pageMax)}`;
    let cacheControl: string | undefined;
    while (path !== undefined && items.length < max) {
      const page: StoredResponse = await upstream.fetch({ route: ROUTE, method: 'GET', path, headers }, maxPageBytes);
      if (page.status !== 200) throw gatewayProblems.badGateway(`The upstream answered GET ${path} with ${page.status}.`);
      let parsed: unknown;
      try { parsed = JSON.parse(page.body.toString('utf8')); } catch { parsed = undefined; }
      if (!Array.isArray(parsed)) throw gatewayProblems.badGateway(`The upstream answered GET ${path} with something other than a JSON array.`);
      items.push(...parsed.slice(0, max - items.length));
      cacheControl ??= page.cacheControl;
      const target = nextTarget(page.headers.filter(([k]) => k === 'link').map(([, v]) => v).join(', '));
      if (target === undefined || parsed.length === 0) break;
      const next: URL = new URL(target, upstream.origin + path);
      if (next.origin !== upstream.origin) throw gatewayProblems.badGateway(`The upstream's next page link leads to another origin (${next.origin}).`);
      path = next.pathname + next.search;
    }
    return { json: Buffer.from(JSON.stringify(items)), cacheControl: cacheControl ?? '' };
  };
}

/**
 * `GET /aggregate/areas` (../shared/API.md, "Gateway"): `{"items": [...], "aggregated_at": ISO}`
 * from the source, kept in the response cache for `ttlMs` (or the upstream's shorter `max-age`),
 * concurrent misses sharing one build, a stale answer served (with `Age`) while the upstream fails
 * within STALE_IF_ERROR_MS.
 */
export class Aggregator {
  constructor(
    private readonly source: AreaSource,
    private readonly cache: ResponseCache,
    private readonly ttlMs: number,
    private readonly maxItems: number,
  ) {}

  /** @throws Problem 502/503/504 when the upstream fails and nothing stale may be served. */
  async reply(traceparent: string): Promise<Reply> {
    const found = await this.cache.get(CACHE_KEY, this.ttlMs, () => '', async () => {
      const { json, cacheControl } = await this.source(this.maxItems, traceparent);
      const body = Buffer.concat([OPEN, json, Buffer.from(`,"aggregated_at":"${new Date().toISOString()}"}`)]);
      return { status: 200, headers: [], body, cacheControl, vary: '' };
    });
    return found.age === undefined ? { status: 200, body: found.response.body } : { status: 200, body: found.response.body, headers: { Age: String(found.age) } };
  }
}
