import type { OfferRecord } from '../schemas/offers.ts';
import { isActiveAt, type Activity } from '../time/schedule.ts';

/** What search filters need of an offer, small enough to keep for every offer on the front thread. */
export interface OfferSummary extends Activity {
  id: string;
  category: string;
  /** Discount value when it is a percentage, else null (`min_discount` only matches percentages). */
  pct: number | null;
  lat: number;
  lng: number;
  partnerId: string;
  establishmentId: string;
  areaId: number | null;
}

/** The summary of a stored offer. */
export function summarize(r: OfferRecord): OfferSummary {
  return {
    id: r.id, category: r.category, pct: r.discount.kind === 'percentage' ? r.discount.value : null,
    lat: r.establishment.location.lat, lng: r.establishment.location.lng,
    partnerId: r.partner_id, establishmentId: r.establishment.id, areaId: r.area_id,
    is_active: r.is_active, validFromMs: Date.parse(r.valid_from), validUntilMs: Date.parse(r.valid_until),
    schedule: r.schedule, timezone: r.timezone,
  };
}

/** The filters of `GET /offers` other than location and words (API.md, "Offers"). */
export interface OfferFilter {
  /** Any of these categories. */
  categories?: ReadonlySet<string>;
  /** Percentage offers with at least this value. */
  minDiscount?: number;
  areaId?: number;
  partnerId?: string;
  establishmentId?: string;
  /** Only offers active at this instant (epoch ms); undefined: `active_at=any`. */
  activeAt?: number;
}

/** True when `s` passes every filter of `f`. */
export function passes(s: OfferSummary, f: OfferFilter): boolean {
  if (f.categories !== undefined && !f.categories.has(s.category)) return false;
  if (f.minDiscount !== undefined && (s.pct === null || s.pct < f.minDiscount)) return false;
  if (f.areaId !== undefined && s.areaId !== f.areaId) return false;
  if (f.partnerId !== undefined && s.partnerId !== f.partnerId) return false;
  if (f.establishmentId !== undefined && s.establishmentId !== f.establishmentId) return false;
  return f.activeAt === undefined || isActiveAt(s, f.activeAt);
}
