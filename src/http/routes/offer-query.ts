import { problems } from '../../core/errors.ts';
import { CATALOG_LIMITS, LIMITS } from '../../core/schemas/common.ts';
import { OfferListQuery } from '../../core/schemas/offers.ts';
import { foldWords, parseQuery } from '../../core/search/text.ts';
import { queryValidator } from '../../core/validate.ts';
import type { OfferSearch, SearchCursor } from '../../store/offer-search.ts';
import { decodeCursor, queryRecord } from '../params.ts';

const validQuery = queryValidator(OfferListQuery);

const isSearchCursor = (v: unknown): v is SearchCursor => {
  if (typeof v !== 'object' || v === null) return false;
  const c = v as { id?: unknown; d?: unknown };
  return typeof c.id === 'string' && c.id.length <= 64 && (c.d === undefined || (typeof c.d === 'number' && Number.isFinite(c.d) && c.d >= 0));
};

/**
 * Parses the query of `GET /offers` (API.md, "Offers") into a search.
 * @param now epoch ms, the default of `active_at`.
 * @returns the search and the validated query (for the next page's link).
 * @throws Problem 400 naming the bad parameter: an incomplete location, a `q` without a word or with
 *   more than CATALOG_LIMITS.queryWords words, a cursor of another kind of search.
 */
export function parseOfferQuery(raw: string, now: number): { search: OfferSearch; query: OfferListQuery } {
  const q = validQuery(queryRecord(raw));
  const search: OfferSearch = { filter: {}, limit: q.limit ?? LIMITS.pageDefault };
  const geo = [q.lat, q.lng, q.radius_m];
  if (geo.some((v) => v !== undefined)) {
    if (q.lat === undefined || q.lng === undefined || q.radius_m === undefined) {
      const missing = (['lat', 'lng', 'radius_m'] as const).filter((k) => q[k] === undefined);
      throw problems.invalid(missing.map((k) => ({ path: `/${k}`, message: 'is required with lat, lng and radius_m' })), 'A location needs lat, lng and radius_m together.');
    }
    search.near = { lat: q.lat, lng: q.lng, radiusM: q.radius_m };
  }
  if (q.category !== undefined) search.filter.categories = new Set(Array.isArray(q.category) ? q.category : [q.category]);
  if (q.min_discount !== undefined) search.filter.minDiscount = q.min_discount;
  if (q.area_id !== undefined) search.filter.areaId = q.area_id;
  if (q.partner_id !== undefined) search.filter.partnerId = q.partner_id;
  if (q.establishment_id !== undefined) search.filter.establishmentId = q.establishment_id;
  if (q.active_at !== 'any') search.filter.activeAt = q.active_at === undefined ? now : Date.parse(q.active_at);
  if (q.q !== undefined) {
    const text = parseQuery(q.q);
    if (text === undefined) throw problems.invalid([{ path: '/q', message: 'must contain at least one letter or digit' }]);
    if (foldWords(q.q).length > CATALOG_LIMITS.queryWords)
      throw problems.invalid([{ path: '/q', message: `must hold at most ${CATALOG_LIMITS.queryWords} words` }]);
    search.text = text;
  }
  if (q.after !== undefined) {
    const after = decodeCursor(q.after, isSearchCursor);
    if ((after.d !== undefined) !== (search.near !== undefined))
      throw problems.invalid([{ path: '/after', message: 'is a cursor of another kind of search (with or without a location)' }]);
    search.after = after;
  }
  return { search, query: q };
}
