import { Type, type Static } from '@sinclair/typebox';
import { CATALOG_LIMITS, Category, ClockTime, GeoPoint, IntegerId, LIMITS, LongText, PageLimit, Text, Timestamp, Url, Uuid, Weekday } from './common.ts';
import { Address } from './establishments.ts';
import { Cursor } from './partners.ts';

const title = Text(LIMITS.shortText, 'Title, 1–200 characters.');
const description = LongText(CATALOG_LIMITS.description, 'Free text, at most 5000 characters.');

/** A discount: a percentage (0 < value ≤ 100) or a fixed amount (value > 0, in the establishment's currency). */
export const Discount = Type.Union([
  Type.Object({ kind: Type.Literal('percentage'), value: Type.Number({ exclusiveMinimum: 0, maximum: 100 }) }, { additionalProperties: false }),
  Type.Object({ kind: Type.Literal('fixed'), value: Type.Number({ exclusiveMinimum: 0, maximum: 1_000_000 }) }, { additionalProperties: false }),
], { $id: 'Discount', description: '`{kind: "percentage", value: 0–100}` or `{kind: "fixed", value > 0}`.' });
export type Discount = Static<typeof Discount>;

/** A recurring window in the establishment's local time (e.g. a happy hour). */
export const ScheduleWindow = Type.Object(
  { day: Weekday, start: ClockTime('Start, HH:MM local (included).'), end: ClockTime('End, HH:MM local (excluded); at or before start: crosses midnight.') },
  { additionalProperties: false },
);

/** Booking quota: `total` slots, at most `per_user` per account. */
export const Quota = Type.Object(
  {
    total: Type.Integer({ minimum: 1, maximum: CATALOG_LIMITS.quotaMax, description: 'Slots in all.' }),
    per_user: Type.Optional(Type.Integer({ minimum: 1, maximum: CATALOG_LIMITS.quotaMax, description: 'Slots one account may hold.' })),
  },
  { additionalProperties: false, $id: 'Quota' },
);
export type Quota = Static<typeof Quota>;

const conditions = Type.Array(LongText(CATALOG_LIMITS.condition, 'One condition, at most 500 characters.'), { maxItems: CATALOG_LIMITS.listItems });
const schedule = Type.Array(ScheduleWindow, { maxItems: CATALOG_LIMITS.listItems, description: 'Recurring windows; empty: active through the whole validity.' });
const images = Type.Array(Url('Image URL.'), { maxItems: CATALOG_LIMITS.listItems });
const instant = (description: string) => Timestamp(description);

const writable = {
  title,
  description: Type.Optional(description),
  category: Category,
  discount: Discount,
  conditions: Type.Optional(conditions),
  valid_from: instant('Start of validity (included).'),
  valid_until: instant('End of validity (excluded); after valid_from.'),
  schedule: Type.Optional(schedule),
  quota: Type.Optional(Quota),
  requires_approval: Type.Optional(Type.Boolean({ description: 'Bookings start PENDING until partner staff confirm them (default false).' })),
  images: Type.Optional(images),
  is_active: Type.Optional(Type.Boolean({ description: 'Default true.' })),
};

/** Body of `POST /offers` and args of `offers.create`. */
export const OfferCreate = Type.Object({ establishment_id: Uuid('Establishment id.'), ...writable }, { additionalProperties: false, $id: 'OfferCreate' });
export type OfferCreate = Static<typeof OfferCreate>;

/** Body of `PATCH /offers/{id}`: JSON merge patch (RFC 7396); `quota: null` makes it unlimited. */
export const OfferPatch = Type.Object(
  {
    title: Type.Optional(title),
    description: Type.Optional(description),
    category: Type.Optional(Category),
    discount: Type.Optional(Discount),
    conditions: Type.Optional(conditions),
    valid_from: Type.Optional(instant('Start of validity.')),
    valid_until: Type.Optional(instant('End of validity.')),
    schedule: Type.Optional(schedule),
    quota: Type.Optional(Type.Union([Quota, Type.Null()])),
    requires_approval: Type.Optional(Type.Boolean()),
    images: Type.Optional(images),
    is_active: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type OfferPatch = Static<typeof OfferPatch>;

/** Args of `offers.update`. */
export const OfferUpdateArgs = Type.Object({ id: Uuid('Offer id.'), patch: OfferPatch }, { additionalProperties: false });
export type OfferUpdateArgs = Static<typeof OfferUpdateArgs>;

/** Args of `offers.delete`, `favorites.add` and `favorites.remove` (the offer). */
export const OfferIdArgs = Type.Object({ id: Uuid('Offer id.') }, { additionalProperties: false });
export type OfferIdArgs = Static<typeof OfferIdArgs>;

/** Args of `favorites.add` / `favorites.remove`. */
export const FavoriteArgs = Type.Object({ offer_id: Uuid('Offer id.') }, { additionalProperties: false });
export type FavoriteArgs = Static<typeof FavoriteArgs>;

/** What an offer read shows of its establishment. */
export const OfferEstablishment = Type.Object(
  { id: Uuid('Establishment id.'), name: Type.String(), location: GeoPoint, address: Address },
  { additionalProperties: false },
);
export type OfferEstablishment = Static<typeof OfferEstablishment>;

const publicFields = {
  id: Uuid('Offer id (UUIDv7).'),
  partner_id: Uuid('Partner id.'),
  establishment: OfferEstablishment,
  title,
  description,
  category: Category,
  discount: Discount,
  conditions,
  valid_from: Timestamp('Start of validity (UTC).'),
  valid_until: Timestamp('End of validity (UTC).'),
  schedule,
  quota: Type.Union([Quota, Type.Null()]),
  requires_approval: Type.Boolean(),
  images,
  is_active: Type.Boolean(),
  created_at: Timestamp('Creation time (UTC).'),
  updated_at: Timestamp('Last change (UTC).'),
};

/** An offer as read: the stored fields, `remaining`, then the caller's `is_favorite` and, with a location, `distance_m`. */
export const Offer = Type.Object(
  {
    ...publicFields,
    remaining: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()], { description: 'Slots left; null when unlimited.' }),
    is_favorite: Type.Boolean({ description: 'In the caller\'s favorites; false when anonymous.' }),
    distance_m: Type.Optional(Type.Integer({ minimum: 0, description: 'Great-circle distance from the query point, metres (only with a location).' })),
  },
  { additionalProperties: false, $id: 'Offer' },
);
export type Offer = Static<typeof Offer>;

/** An offer as stored (db `offers`). */
export interface OfferRecord {
  id: string;
  partner_id: string;
  establishment: OfferEstablishment;
  title: string;
  description: string;
  category: Static<typeof Category>;
  discount: Discount;
  conditions: string[];
  valid_from: string;
  valid_until: string;
  schedule: Static<typeof ScheduleWindow>[];
  quota: Quota | null;
  requires_approval: boolean;
  images: string[];
  is_active: boolean;
  created_at: string;
  updated_at: string;
  /** Slots held by bookings (PENDING, CONFIRMED, CHECKED_IN, NO_SHOW): the quota counter. */
  taken: number;
  /** The establishment's IANA zone, in which `schedule` is read. */
  timezone: string;
  /** The establishment's area, for the area index. */
  area_id: number | null;
}

/** Slots left of a stored offer: null when it has no quota. */
export const remainingOf = (r: Pick<OfferRecord, 'quota' | 'taken'>): number | null => (r.quota === null ? null : Math.max(0, r.quota.total - r.taken));

/** The public view of a stored offer (no per-caller fields), in contract field order. */
export function offerView(r: OfferRecord): Omit<Offer, 'is_favorite' | 'distance_m'> {
  return {
    id: r.id, partner_id: r.partner_id, establishment: r.establishment, title: r.title, description: r.description,
    category: r.category, discount: r.discount, conditions: r.conditions, valid_from: r.valid_from, valid_until: r.valid_until,
    schedule: r.schedule, quota: r.quota, requires_approval: r.requires_approval, images: r.images, is_active: r.is_active,
    created_at: r.created_at, updated_at: r.updated_at, remaining: remainingOf(r),
  };
}

const coordinate = (min: number, max: number, what: string) => Type.Number({ minimum: min, maximum: max, description: `${what}, degrees (WGS 84).` });

/** Query of `GET /offers` (API.md, "Offers"). `lat`, `lng` and `radius_m` come together. */
export const OfferListQuery = Type.Object(
  {
    lat: Type.Optional(coordinate(-90, 90, 'Latitude of the search centre')),
    lng: Type.Optional(coordinate(-180, 180, 'Longitude of the search centre')),
    radius_m: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: CATALOG_LIMITS.radiusMaxM, description: 'Search radius, metres (≤ 100 km).' })),
    category: Type.Optional(Type.Union([Category, Type.Array(Category, { maxItems: 8 })], { description: 'Repeatable: any of these categories.' })),
    min_discount: Type.Optional(Type.Number({ minimum: 0, maximum: 100, description: 'Percentage offers with at least this value.' })),
    q: Type.Optional(Type.String({ minLength: 1, maxLength: CATALOG_LIMITS.queryLength, description: 'Words (title and description): each whole, the last one also as a prefix; case- and accent-insensitive.' })),
    area_id: Type.Optional(IntegerId('Offers of establishments in this area.')),
    partner_id: Type.Optional(Uuid('Offers of this partner.')),
    establishment_id: Type.Optional(Uuid('Offers of this establishment.')),
    active_at: Type.Optional(Type.Union([Type.Literal('any'), Timestamp('Only offers active at this instant (default now).')])),
    after: Type.Optional(Cursor),
    limit: Type.Optional(PageLimit),
  },
  { additionalProperties: false },
);
export type OfferListQuery = Static<typeof OfferListQuery>;

/** One row of `GET /categories`. */
export const CategoryCount = Type.Object(
  { category: Category, active_offers: Type.Integer({ minimum: 0 }) },
  { additionalProperties: false, $id: 'CategoryCount' },
);
