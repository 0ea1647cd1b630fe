import { Type } from '@sinclair/typebox';

/** Limits of the API, in one place (documented in README "Limits"). */
export const LIMITS = {
  /** Longest accepted name/type, in Unicode code points. */
  shortText: 200,
  /** Default page size of a collection. */
  pageDefault: 100,
  /** Largest page size of a collection. */
  pageMax: 1000,
  /** Longest Idempotency-Key header, in characters (API.md, Conventions). */
  idempotencyKey: 255,
  /** How long an idempotency record answers retries, in ms (24 h, API.md, Conventions). */
  idempotencyTtlMs: 24 * 60 * 60 * 1000,
} as const;

/** A non-blank string of 1..max code points (at least one non-space character). */
export const Text = (max: number, description: string) =>
  Type.String({ minLength: 1, maxLength: max, pattern: '\\S', description });

/** ISO-8601 UTC timestamp with milliseconds, e.g. `2026-11-22T10:00:00.000Z`. */
export const Timestamp = (description: string) => Type.String({ format: 'date-time', description });

/** WGS 84 coordinates in decimal degrees. */
export const GeoPoint = Type.Object(
  {
    lat: Type.Number({ minimum: -90, maximum: 90, description: 'Latitude, degrees (WGS 84).' }),
    lng: Type.Number({ minimum: -180, maximum: 180, description: 'Longitude, degrees (WGS 84).' }),
  },
  { additionalProperties: false, $id: 'GeoPoint' },
);

/** Positive integer id as it appears in a JSON body. */
export const IntegerId = (description: string) =>
  Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description });

/** String id of every resource but areas: a UUIDv7 (RFC 9562), lower-case hex. */
export const Uuid = (description: string) =>
  Type.String({ pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$', description });

/** Page size query parameter (`limit`), 1..LIMITS.pageMax, default LIMITS.pageDefault. */
export const PageLimit = Type.Integer({
  minimum: 1,
  maximum: LIMITS.pageMax,
  default: LIMITS.pageDefault,
  description: `Page size (1–${LIMITS.pageMax}, default ${LIMITS.pageDefault}).`,
});

/** The eight categories of partners and offers (API.md, "Partners and establishments"). */
export const CATEGORIES = ['BAR', 'RESTAURANT', 'CLUB', 'CINEMA', 'SPORT', 'LEISURE', 'EVENT', 'OTHER'] as const;
export type CategoryName = (typeof CATEGORIES)[number];
export const Category = Type.Union(CATEGORIES.map((c) => Type.Literal(c)), { description: 'One of BAR, RESTAURANT, CLUB, CINEMA, SPORT, LEISURE, EVENT, OTHER.' });

/** Limits of the catalogue's fields (documented in README "Limits"). */
export const CATALOG_LIMITS = {
  /** Longest description, code points. */
  description: 5000,
  /** Longest condition line, code points. */
  condition: 500,
  /** Conditions, images, opening-hour and schedule entries per record. */
  listItems: 50,
  /** Longest URL (logo, images, website), characters. */
  url: 2048,
  /** Largest search radius, metres (API.md, "Offers"). */
  radiusMaxM: 100_000,
  /** Words in a search `q`. */
  queryWords: 10,
  /** Longest `q`, characters. */
  queryLength: 200,
  /** Favorites per account. */
  favorites: 10_000,
  /** Largest `quota.total`. */
  quotaMax: 1_000_000,
} as const;

/** An absolute http(s) URL of at most CATALOG_LIMITS.url characters. */
export const Url = (description: string) =>
  Type.String({ format: 'uri', pattern: '^https?://', maxLength: CATALOG_LIMITS.url, description });

/** Wall-clock time `HH:MM` (00:00–23:59). */
export const ClockTime = (description: string) => Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$', description });

/** Day of the week, 0 = Sunday … 6 = Saturday (API.md, Conventions). */
export const Weekday = Type.Integer({ minimum: 0, maximum: 6, description: 'Day of the week, 0 = Sunday … 6 = Saturday.' });

/** A string of at most `max` code points (may be empty). */
export const LongText = (max: number, description: string) => Type.String({ maxLength: max, description });
