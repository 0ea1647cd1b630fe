import { LRUCache } from 'lru-cache';
import type { DomainEvent } from '../core/commands.ts';
import type { Area } from '../core/schemas/areas.ts';
import type { Store } from '../store/store.ts';

/** One encoded page of `GET /areas`: the JSON array as UTF-8 bytes, and the cursor of the next page. */
export interface EncodedPage {
  body: Buffer;
  /** Id to pass as `after` for the next page; undefined on the last page. */
  next: number | undefined;
}

interface CachedPage extends EncodedPage {
  /** `AreaReads.version` when built: any area write makes it stale. */
  version: number;
}

const OPEN = Buffer.from('[');
const COMMA = Buffer.from(',');
const CLOSE = Buffer.from(']');

/** Counters and sizes of the read caches (metrics, admin stats). */
export interface ReadCacheStats {
  hits: number;
  misses: number;
  evictions: number;
  size: number;
  max: number;
  pageHits: number;
  pageMisses: number;
}

/**
 * Read side of areas on the front thread.
 *
 * - Items: an LRU of each area's JSON as UTF-8 bytes (`CACHE_MAX` entries), filled from LMDB on a
 *   miss. uWS copies bytes straight to the socket; a JS string would be transcoded on every reply.
 * - Pages: an LRU of whole encoded pages (`PAGE_CACHE_BYTES`), keyed by (after, limit, type), built
 *   from the id index plus cached items (an unchanged area is never re-encoded) and dropped by any
 *   area write (a version number, so invalidation costs O(1)).
 *
 * Reads hit LMDB on the front thread rather than a worker: a `get` + decode is a sync mmap read of a
 * few µs (DEPENDENCY-NOTES: ~1.8M/s), where a worker round trip costs ~13–20 µs and a promise
 * (bench/RESULTS.md, micro-benchmarks).
 *
 * Freshness: `apply` is called with every committed event in the same turn as the write's reply,
 * so a client always reads its own write. lmdb-js renews its read snapshot on each event turn.
 */
export class AreaReads {
  readonly cache: LRUCache<number, Buffer>;
  private readonly pages: LRUCache<string, CachedPage>;
  private version = 0;
  /** Recently deleted ids (ids are never reused), so a create event arriving after its delete is ignored. */
  private readonly deleted = new LRUCache<number, true>({ max: 10_000 });
  private readonly counts = { hits: 0, misses: 0, evictions: 0, pageHits: 0, pageMisses: 0 };

  /**
   * @param max item cache entries.
   * @param pageBytes byte budget of the page cache.
   */
  constructor(private readonly store: Store, max: number, pageBytes: number) {
    this.cache = new LRUCache<number, Buffer>({
      max,
      dispose: (_v, _k, reason) => { if (reason === 'evict') this.counts.evictions++; },
    });
    // A page larger than maxSize is not kept, so PAGE_CACHE_BYTES=0 turns the page cache off.
    this.pages = new LRUCache<string, CachedPage>({ maxSize: Math.max(1, pageBytes), sizeCalculation: (p) => p.body.length + 64 });
  }

  /** Counters and size for metrics and stats. */
  stats(): ReadCacheStats {
    return { ...this.counts, size: this.cache.size, max: this.cache.max };
  }

  /** Encoded JSON of area `id`, or undefined when it does not exist. */
  get(id: number): Buffer | undefined {
    const cached = this.cache.get(id);
    if (cached !== undefined) {
      this.counts.hits++;
      return cached;
    }
    this.counts.misses++;
    const area = this.store.areas.get(id);
    if (area === undefined) return undefined;
    const json = Buffer.from(JSON.stringify(area));
    this.cache.set(id, json);
    return json;
  }

  /**
   * Areas with id > `after`, in id order, optionally of one `type`, as one encoded JSON array.
   * @param limit page size, 1..LIMITS.pageMax.
   */
  page(after: number, limit: number, type?: string): EncodedPage {
    const key = `${after}:${limit}:${type ?? ''}`;
    const cached = this.pages.get(key);
    if (cached !== undefined && cached.version === this.version) {
      this.counts.pageHits++;
      return cached;
    }
    this.counts.pageMisses++;
    const ids = this.ids(after, limit + 1, type);
    const more = ids.length > limit;
    if (more) ids.length = limit;
    const parts: Buffer[] = [OPEN];
    for (const id of ids) {
      const item = this.get(id);
      if (item === undefined) continue;
      if (parts.length > 1) parts.push(COMMA);
      parts.push(item);
    }
    parts.push(CLOSE);
    const page: CachedPage = { body: Buffer.concat(parts), next: more ? ids[ids.length - 1] : undefined, version: this.version };
    this.pages.set(key, page);
    return page;
  }

  /** Up to `count` ids > `after` in order, from the primary keys or the type index. */
  private ids(after: number, count: number, type: string | undefined): number[] {
    const ids: number[] = [];
    if (type === undefined) {
      for (const id of this.store.areas.getKeys({ start: after + 1, limit: count })) ids.push(id);
    } else {
      const range = { start: [type, after + 1] as [string, number], end: [type, Number.MAX_SAFE_INTEGER] as [string, number], limit: count };
      for (const key of this.store.areasByType.getKeys(range)) ids.push(key[1]);
    }
    return ids;
  }

  /**
   * Keeps the caches in step with committed writes (CommandBus listener).
   *
   * Updates and deletes of one area run on its partition, so their events arrive in order; its
   * create may run on another partition and its event may arrive after them. So a create never
   * overwrites a cached entry, and a deleted id is remembered (`deleted`) so a late create cannot
   * bring it back.
   */
  apply(e: DomainEvent): void {
    if (e.topic !== 'areas') return;
    this.version++;
    if (e.event === 'area.deleted') {
      const { id } = e.data as { id: number };
      this.cache.delete(id);
      this.deleted.set(id, true);
      return;
    }
    const area = e.data as Area;
    if (e.event === 'area.created' && (this.cache.has(area.id) || this.deleted.has(area.id))) return;
    this.cache.set(area.id, Buffer.from(JSON.stringify(area)));
  }
}
