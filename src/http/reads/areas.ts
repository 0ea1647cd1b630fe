import { LRUCache } from 'lru-cache';
import type { DomainEvent } from '../../core/commands.ts';
import type { Store } from '../../store/store.ts';
import { jsonArray, ResourceCache } from './resource-cache.ts';

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


/**
 * Read side of areas on the front thread.
 *
 * - Items: a ResourceCache of each area's JSON bytes (`CACHE_MAX` entries), invalidated by events.
 * - Pages: an LRU of whole encoded pages (`PAGE_CACHE_BYTES`), keyed by (after, limit, type), built
 *   from the id index plus cached items (an unchanged area is never re-encoded) and dropped by any
 *   area write (a version number, so invalidation costs O(1)).
 */
export class AreaReads {
  readonly items: ResourceCache<number>;
  private readonly pages: LRUCache<string, CachedPage>;
  private version = 0;
  private readonly pageCounts = { pageHits: 0, pageMisses: 0 };

  /**
   * @param max item cache entries.
   * @param pageBytes byte budget of the page cache.
   */
  constructor(private readonly store: Store, max: number, pageBytes: number) {
    this.items = new ResourceCache<number>(max, (id) => store.areas.get(id));
    // A page larger than maxSize is not kept, so PAGE_CACHE_BYTES=0 turns the page cache off.
    this.pages = new LRUCache<string, CachedPage>({ maxSize: Math.max(1, pageBytes), sizeCalculation: (p) => p.body.length + 64 });
  }

  /** Page-cache counters (the item counters are `items.stats()`). */
  pageStats(): { pageHits: number; pageMisses: number } {
    return { ...this.pageCounts };
  }

  /** Encoded JSON of area `id`, or undefined when it does not exist. */
  get(id: number): Buffer | undefined {
    return this.items.get(id);
  }

  /**
   * Areas with id > `after`, in id order, optionally of one `type`, as one encoded JSON array.
   * @param limit page size, 1..LIMITS.pageMax.
   */
  page(after: number, limit: number, type?: string): EncodedPage {
    const key = `${after}:${limit}:${type ?? ''}`;
    const cached = this.pages.get(key);
    if (cached !== undefined && cached.version === this.version) {
      this.pageCounts.pageHits++;
      return cached;
    }
    this.pageCounts.pageMisses++;
    const ids = this.ids(after, limit + 1, type);
    const more = ids.length > limit;
    if (more) ids.length = limit;
    const page: CachedPage = { body: jsonArray(ids, (id) => this.get(id)), next: more ? ids[ids.length - 1] : undefined, version: this.version };
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

  /** Keeps the caches in step with committed writes (ReadSide listener): drops the item and every page. */
  apply(e: DomainEvent): void {
    if (e.topic !== 'areas') return;
    this.version++;
    this.items.invalidate((e.data as { id: number }).id);
  }
}
