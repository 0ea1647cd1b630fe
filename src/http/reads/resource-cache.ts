import { LRUCache } from 'lru-cache';

/** Counters and sizes of a read cache (metrics, admin stats). */
export interface CacheStats {
  hits: number;
  misses: number;
  evictions: number;
  size: number;
  max: number;
}

/**
 * The read cache of one resource on the front thread: an LRU of each item's JSON as UTF-8 bytes,
 * filled from LMDB on a miss. uWS copies bytes straight to the socket; a JS string would be
 * transcoded on every reply.
 *
 * Freshness: the owner calls `invalidate` for every committed event naming an item, in the same turn
 * as the write's reply, and the next read loads the item from LMDB, the single source of truth. So
 * events of one item may arrive in any order (a create from one partition after an update from
 * another) without a stale version ever being cached, and a client always reads its own write.
 * Reads hit LMDB on the front thread rather than a worker: a `get` + decode is a sync mmap read of a
 * few µs, where a worker round trip costs ~13–20 µs (bench/RESULTS.md, micro-benchmarks).
 */
export class ResourceCache<K extends string | number> {
  private readonly lru: LRUCache<K, Buffer>;
  private readonly counts = { hits: 0, misses: 0, evictions: 0 };

  /**
   * @param max entries kept.
   * @param load the item as its `GET` shows it, from LMDB; undefined when it does not exist.
   */
  constructor(max: number, private readonly load: (key: K) => unknown) {
    this.lru = new LRUCache<K, Buffer>({ max, dispose: (_v, _k, reason) => { if (reason === 'evict') this.counts.evictions++; } });
  }

  /** The item's JSON bytes, or undefined when it does not exist. */
  get(key: K): Buffer | undefined {
    const cached = this.lru.get(key);
    if (cached !== undefined) {
      this.counts.hits++;
      return cached;
    }
    this.counts.misses++;
    const value = this.load(key);
    if (value === undefined) return undefined;
    const bytes = Buffer.from(JSON.stringify(value));
    this.lru.set(key, bytes);
    return bytes;
  }

  /** Drops the item: a committed write changed or removed it. */
  invalidate(key: K): void {
    this.lru.delete(key);
  }

  /** Counters and size. */
  stats(): CacheStats {
    return { ...this.counts, size: this.lru.size, max: this.lru.max };
  }
}

/** Sums the stats of several caches. */
export function sumStats(all: readonly CacheStats[]): CacheStats {
  const out: CacheStats = { hits: 0, misses: 0, evictions: 0, size: 0, max: 0 };
  for (const s of all) for (const k of Object.keys(out) as (keyof CacheStats)[]) out[k] += s[k];
  return out;
}

const OPEN = Buffer.from('[');
const COMMA = Buffer.from(',');
const CLOSE = Buffer.from(']');

/**
 * A JSON array of already-encoded items, as UTF-8 bytes: `[a,b,…]`, skipping the undefined ones (an item
 * deleted between the index read and the item read). The items are copied once, never re-encoded.
 */
export function jsonArray<T>(keys: Iterable<T>, item: (key: T) => Buffer | undefined): Buffer {
  const parts: Buffer[] = [OPEN];
  for (const k of keys) {
    const bytes = item(k);
    if (bytes === undefined) continue;
    if (parts.length > 1) parts.push(COMMA);
    parts.push(bytes);
  }
  parts.push(CLOSE);
  return Buffer.concat(parts);
}
