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
