import { LRUCache } from 'lru-cache';
import type { GatewayStats } from '../../metrics/gateway.ts';
import { freshnessMs, varyNames } from './cache-control.ts';
import type { StoredResponse } from './upstream.ts';

interface Entry {
  response: StoredResponse;
  /** Date.now() when stored. */
  storedAt: number;
  /** Served without asking the upstream until then (Date.now() ms). */
  freshUntil: number;
  /** The upstream's `Vary` names and this request's values of them, joined by `\n`. */
  vary: string[];
  varyValues: string;
}

/** What `get` found: the answer, how, and its age in seconds (for `Age`, RFC 9111 §5.1) when it came from memory. */
export interface Lookup {
  response: StoredResponse;
  outcome: 'hit' | 'miss' | 'stale' | 'coalesced';
  /** Seconds since it was stored; undefined when it was just fetched. */
  age: number | undefined;
}

/** Looks up a request header by lower-case name ('' when absent). */
export type HeaderOf = (name: string) => string;

interface Fetched {
  response: StoredResponse;
  varyValues: string;
}

const valuesOf = (names: readonly string[], header: HeaderOf) => names.map(header).join('\n');
/** RFC 5861 stale-if-error applies to these upstream statuses too, not only to failures. */
const isErrorStatus = (status: number) => status === 500 || status === 502 || status === 503 || status === 504;

/**
 * The gateway's response cache: upstream answers kept as bytes in an LRU bounded by
 * GATEWAY_CACHE_BYTES, with:
 * - freshness from the upstream's `Cache-Control` (cache-control.ts), capped by the route's TTL;
 * - `Vary`: an entry remembers the request header values it was fetched with and serves only
 *   requests with the same values (one variant per key: another variant replaces it);
 * - request coalescing: while a key is being fetched, identical requests wait for that fetch
 *   instead of sending their own (a waiter whose `Vary` values differ then fetches alone);
 * - stale-if-error (RFC 5861): an expired entry is still served for STALE_IF_ERROR_MS when the
 *   fetch fails (any Problem, including the open breaker's 503) or answers 500/502/503/504.
 */
export class ResponseCache {
  private readonly entries: LRUCache<string, Entry>;
  /** Fetches in flight by key, with the values of the answer's `Vary` headers in the request that made it. */
  private readonly inflight = new Map<string, Promise<Fetched>>();

  /**
   * @param maxBytes bytes of bodies and headers kept; one entry takes a quarter at most.
   * @param staleIfErrorMs how long past freshness an entry may be served on failure, ms.
   */
  constructor(maxBytes: number, private readonly staleIfErrorMs: number, private readonly stats: GatewayStats['cache']) {
    this.entries = new LRUCache<string, Entry>({
      maxSize: maxBytes, maxEntrySize: Math.floor(maxBytes / 4),
      sizeCalculation: (e) => e.response.body.length + e.response.headers.reduce((n, [k, v]) => n + k.length + v.length, 64),
    });
  }

  /** Largest answer kept, bytes (larger ones are served but not stored). */
  get maxEntryBytes(): number {
    return Math.floor(this.entries.maxSize / 4);
  }

  /**
   * The answer for `key`: from memory while fresh, else from `load` (shared with identical
   * requests in flight), else, when `load` fails, from memory while within the stale window.
   * @param ttlMs the route's lifetime, ms; 0 stores nothing (loads are still coalesced).
   * @param header this request's headers (for `Vary`).
   * @throws whatever `load` throws when there is no stale entry to serve.
   */
  async get(key: string, ttlMs: number, header: HeaderOf, load: () => Promise<StoredResponse>): Promise<Lookup> {
    const now = Date.now();
    const entry = this.entries.get(key);
    const usable = entry !== undefined && valuesOf(entry.vary, header) === entry.varyValues ? entry : undefined;
    if (usable !== undefined && now < usable.freshUntil) {
      this.stats.hits++;
      return { response: usable.response, outcome: 'hit', age: Math.floor((now - usable.storedAt) / 1000) };
    }
    let outcome: Lookup['outcome'] = 'coalesced';
    let pending = this.inflight.get(key);
    if (pending === undefined) {
      outcome = 'miss';
      pending = this.fetch(key, ttlMs, header, load);
    }
    if (outcome === 'miss') this.stats.misses++;
    else this.stats.coalesced++;
    try {
      let { response, varyValues } = await pending;
      // The shared answer varies on a header this request sent otherwise: fetch its own variant.
      if (outcome === 'coalesced' && valuesOf(varyNames(response.vary), header) !== varyValues) ({ response, varyValues } = await this.fetch(key, ttlMs, header, load));
      if (usable !== undefined && isErrorStatus(response.status) && now < usable.freshUntil + this.staleIfErrorMs) return this.stale(usable, now);
      return { response, outcome, age: undefined };
    } catch (err) {
      if (usable !== undefined && now < usable.freshUntil + this.staleIfErrorMs) return this.stale(usable, now);
      throw err;
    }
  }

  private stale(e: Entry, now: number): Lookup {
    this.stats.stale++;
    return { response: e.response, outcome: 'stale', age: Math.floor((now - e.storedAt) / 1000) };
  }

  /** Loads `key` once for every concurrent caller and stores the answer when it may be. */
  private fetch(key: string, ttlMs: number, header: HeaderOf, load: () => Promise<StoredResponse>): Promise<Fetched> {
    const p = load().then((response) => {
      const vary = varyNames(response.vary);
      const varyValues = valuesOf(vary, header);
      const fresh = ttlMs === 0 ? 0 : freshnessMs(response.status, response.cacheControl, response.vary, ttlMs);
      if (fresh > 0) {
        const storedAt = Date.now();
        this.entries.set(key, { response, storedAt, freshUntil: storedAt + fresh, vary, varyValues }, { ttl: fresh + this.staleIfErrorMs });
      }
      return { response, varyValues };
    }).finally(() => {
      if (this.inflight.get(key) === p) this.inflight.delete(key);
    });
    this.inflight.set(key, p);
    return p;
  }
}
