import { LRUCache } from 'lru-cache';
import type { DomainEvent } from '../core/commands.ts';
import type { Area } from '../core/schemas/areas.ts';
import type { Store } from '../store/store.ts';

/** A page of areas as encoded JSON items, and the cursor of the next page if there is one. */
export interface AreaPage {
  items: string[];
  /** Id to pass as `after` for the next page; undefined on the last page. */
  next: number | undefined;
}

/**
 * Read side of areas on the front thread: an LRU cache of each area's encoded JSON
 * (`CACHE_MAX` entries), filled from LMDB on a miss.
 *
 * Reads hit LMDB on the front thread rather than a worker: a `get` + decode is a sync mmap read
 * of a few µs (DEPENDENCY-NOTES: ~1.8M/s), where a worker round trip costs ~13–20 µs and a
 * promise (bench/RESULTS.md, "read path"). Pages are built from the id index plus cached items,
 * so an unchanged area is never re-encoded.
 *
 * Freshness: `apply` is called with every committed event in the same turn as the write's reply,
 * so a client always reads its own write. lmdb-js renews its read snapshot on each event turn.
 */
export class AreaReads {
  readonly cache: LRUCache<number, string>;
  hits = 0;
  misses = 0;
  evictions = 0;

  constructor(private readonly store: Store, max: number) {
    this.cache = new LRUCache<number, string>({
      max,
      dispose: (_v, _k, reason) => { if (reason === 'evict') this.evictions++; },
    });
  }

  /** Counters and size for metrics and stats. */
  stats(): { hits: number; misses: number; evictions: number; size: number; max: number } {
    return { hits: this.hits, misses: this.misses, evictions: this.evictions, size: this.cache.size, max: this.cache.max };
  }

  /** Encoded JSON of area `id`, or undefined when it does not exist. */
  get(id: number): string | undefined {
    const cached = this.cache.get(id);
    if (cached !== undefined) {
      this.hits++;
      return cached;
    }
    this.misses++;
    const area = this.store.areas.get(id);
    if (area === undefined) return undefined;
    const json = JSON.stringify(area);
    this.cache.set(id, json);
    return json;
  }

  /**
   * Areas with id > `after`, in id order, optionally of one `type`.
   * @param limit page size, 1..LIMITS.pageMax.
   */
  list(after: number, limit: number, type?: string): AreaPage {
    const ids: number[] = [];
    if (type === undefined) {
      for (const id of this.store.areas.getKeys({ start: after + 1, limit: limit + 1 })) ids.push(id);
    } else {
      const range = { start: [type, after + 1] as [string, number], end: [type, Number.MAX_SAFE_INTEGER] as [string, number], limit: limit + 1 };
      for (const key of this.store.areasByType.getKeys(range)) ids.push(key[1]);
    }
    const more = ids.length > limit;
    if (more) ids.length = limit;
    const items: string[] = [];
    for (const id of ids) {
      const json = this.get(id);
      if (json !== undefined) items.push(json);
    }
    return { items, next: more ? ids[ids.length - 1] : undefined };
  }

  /** Keeps the cache in step with committed writes (CommandBus listener). */
  apply(e: DomainEvent): void {
    if (e.topic !== 'areas') return;
    if (e.event === 'area.deleted') this.cache.delete((e.data as { id: number }).id);
    else {
      const area = e.data as Area;
      this.cache.set(area.id, JSON.stringify(area));
    }
  }
}
