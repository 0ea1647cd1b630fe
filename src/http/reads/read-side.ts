import type { DomainEvent } from '../../core/commands.ts';
import type { Store } from '../../store/store.ts';
import { AreaReads } from './areas.ts';
import { BookingReads } from './bookings.ts';
import { OfferReads } from './offers.ts';
import { ResourceCache, sumStats, type CacheStats } from './resource-cache.ts';

/** Counters and sizes of every read cache (metrics, admin stats). */
export interface ReadCacheStats extends CacheStats {
  pageHits: number;
  pageMisses: number;
}

/**
 * Everything the front thread answers reads from: one ResourceCache per resource (encoded bytes,
 * invalidated by committed events) plus the resource-specific parts (area pages, offer search).
 * `apply` is the CommandBus listener that keeps all of it in step with committed writes.
 */
export class ReadSide {
  readonly areas: AreaReads;
  readonly offers: OfferReads;
  readonly partners: ResourceCache<string>;
  readonly establishments: ResourceCache<string>;
  readonly bookings: BookingReads;
  private readonly byTopic: Map<string, (e: DomainEvent) => void>;

  /**
   * @param cacheMax entries of each resource's item cache (CACHE_MAX).
   * @param pageBytes byte budget of the area page cache (PAGE_CACHE_BYTES).
   * @param qrKey HMAC key of booking QR tokens (QR_SECRET).
   */
  constructor(store: Store, cacheMax: number, pageBytes: number, qrKey: Buffer) {
    this.bookings = new BookingReads(store, qrKey);
    this.areas = new AreaReads(store, cacheMax, pageBytes);
    this.offers = new OfferReads(store, cacheMax);
    this.partners = new ResourceCache(cacheMax, (id) => store.partners.get(id));
    this.establishments = new ResourceCache(cacheMax, (id) => store.establishments.get(id));
    const invalidate = (cache: ResourceCache<string>) => (e: DomainEvent) => cache.invalidate((e.data as { id: string }).id);
    this.byTopic = new Map<string, (e: DomainEvent) => void>([
      ['areas', (e) => this.areas.apply(e)],
      ['offers', (e) => this.offers.apply(e)],
      ['partners', invalidate(this.partners)],
      ['establishments', invalidate(this.establishments)],
    ]);
  }

  /** Applies one committed event to the caches of its topic. */
  apply(e: DomainEvent): void {
    this.byTopic.get(e.topic)?.(e);
  }

  /** Every item cache summed, plus the area page cache. */
  stats(): ReadCacheStats {
    const items = sumStats([this.areas.items.stats(), this.offers.items.stats(), this.partners.stats(), this.establishments.stats()]);
    return { ...items, ...this.areas.pageStats() };
  }
}
