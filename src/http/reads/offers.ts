import { CATEGORIES, type CategoryName } from '../../core/schemas/common.ts';
import { offerView } from '../../core/schemas/offers.ts';
import type { DomainEvent } from '../../core/commands.ts';
import { summarize, type OfferSummary } from '../../core/search/filter.ts';
import { isActiveAt } from '../../core/time/schedule.ts';
import { searchOffers, type OfferSearch, type SearchHit, type SearchPage } from '../../store/offer-search.ts';
import type { Store } from '../../store/store.ts';
import { jsonArray, ResourceCache } from './resource-cache.ts';

const FAVORITE = Buffer.from(',"is_favorite":true}');
const NOT_FAVORITE = Buffer.from(',"is_favorite":false}');
/** How long a `GET /categories` answer is reused, ms: "active now" moves with the clock. */
const CATEGORIES_TTL_MS = 1000;

/**
 * Read side of offers on the front thread.
 *
 * - Items: a ResourceCache of each offer's JSON without its per-caller members; a reply appends
 *   `is_favorite` (and `distance_m`) to the cached bytes without re-encoding the offer.
 * - Summaries: what search filters need of every offer (core/search/filter.ts), loaded from LMDB at
 *   start and refreshed from LMDB for every committed event, so a search reads its own writes; the
 *   indexes that find candidates stay in LMDB (store/offer-search.ts).
 */
export class OfferReads {
  readonly items: ResourceCache<string>;
  private readonly summaries = new Map<string, OfferSummary>();
  private categoryCache: { at: number; body: string } | undefined;

  constructor(private readonly store: Store, max: number) {
    this.items = new ResourceCache<string>(max, (id) => {
      const r = store.offers.get(id);
      return r === undefined ? undefined : offerView(r);
    });
  }

  /** Loads every offer's summary from LMDB (once, at start: the warm-up before the server is ready). */
  load(): void {
    for (const { value } of this.store.offers.getRange({ snapshot: false })) this.summaries.set(value.id, summarize(value));
  }


  /** The summary of offer `id`, from the table or (written by another process) LMDB. */
  summaryOf = (id: string): OfferSummary | undefined => {
    const known = this.summaries.get(id);
    if (known !== undefined) return known;
    const r = this.store.offers.get(id);
    if (r === undefined) return undefined;
    const s = summarize(r);
    this.summaries.set(id, s);
    return s;
  };

  /** Runs a search (store/offer-search.ts) against the summaries. @throws Problem 400 (see searchOffers). */
  search(s: OfferSearch): SearchPage {
    return searchOffers(this.store, this.summaryOf, s);
  }

  /**
   * One offer as `caller` sees it: the cached bytes plus `is_favorite` and, when given, `distance_m`
   * (rounded to whole metres). Undefined when the offer does not exist.
   */
  render(id: string, caller: string | undefined, distanceM?: number): Buffer | undefined {
    const base = this.items.get(id);
    if (base === undefined) return undefined;
    const fav = caller !== undefined && this.store.favorites.doesExist([caller, id]);
    const head = base.subarray(0, base.length - 1);
    if (distanceM === undefined) return Buffer.concat([head, fav ? FAVORITE : NOT_FAVORITE]);
    return Buffer.concat([head, Buffer.from(`,"is_favorite":${fav},"distance_m":${Math.round(distanceM)}}`)]);
  }

  /** A JSON array of the hits as `caller` sees them (an offer deleted meanwhile is left out). */
  renderPage(hits: readonly SearchHit[], caller: string | undefined): Buffer {
    return jsonArray(hits, (h) => this.render(h.id, caller, h.distanceM));
  }

  /** `GET /categories`: every category with its count of offers active now (recomputed at most once a second). */
  categories(now: number): string {
    if (this.categoryCache !== undefined && now - this.categoryCache.at < CATEGORIES_TTL_MS) return this.categoryCache.body;
    const counts = new Map<CategoryName, number>(CATEGORIES.map((c) => [c, 0]));
    for (const s of this.summaries.values())
      if (isActiveAt(s, now)) counts.set(s.category as CategoryName, (counts.get(s.category as CategoryName) ?? 0) + 1);
    const body = JSON.stringify(CATEGORIES.map((category) => ({ category, active_offers: counts.get(category) ?? 0 })));
    this.categoryCache = { at: now, body };
    return body;
  }

  /**
   * Keeps items and summaries in step with committed writes (ReadSide listener). A booking's
   * `offer.remaining_changed` moves only the quota counter: the cached bytes go, the summary stays.
   */
  apply(e: DomainEvent): void {
    if (e.topic !== 'offers') return;
    const { id } = e.data as { id: string };
    this.items.invalidate(id);
    if (e.event === 'offer.remaining_changed') return;
    const r = this.store.offers.get(id);
    if (r === undefined) this.summaries.delete(id);
    else this.summaries.set(id, summarize(r));
    this.categoryCache = undefined;
  }
}
