import { Type, type Static } from '@sinclair/typebox';
import { GeoPoint, IntegerId, LIMITS, PageLimit, Text, Timestamp } from './common.ts';

const name = Text(LIMITS.shortText, 'Display name, 1–200 characters.');
const type = Text(LIMITS.shortText, 'Kind of area, e.g. `city`, 1–200 characters.');
const population = Type.Integer({ minimum: 0, maximum: 1e10, description: 'Inhabitants.' });
const country = Type.String({ pattern: '^[A-Z]{2}$', description: 'ISO 3166-1 alpha-2 country code.' });
const externalRef = Type.String({
  minLength: 1,
  maxLength: LIMITS.shortText,
  description: 'Unique reference in an outside data set (e.g. `geonames:2988507`); a second area with the same one is a 409.',
});

/** The fields a client writes. */
const writable = {
  name,
  type,
  location: Type.Optional(GeoPoint),
  population: Type.Optional(population),
  country: Type.Optional(country),
  external_ref: Type.Optional(externalRef),
};

/** Body of `POST /areas` and args of the `areas.create` command. */
export const AreaCreate = Type.Object(writable, { additionalProperties: false, $id: 'AreaCreate' });
export type AreaCreate = Static<typeof AreaCreate>;

/**
 * Body of `PATCH /areas/{id}`: JSON merge patch (RFC 7396) of the writable fields.
 * A field set to `null` removes an optional field; `name` and `type` cannot be removed.
 */
export const AreaPatch = Type.Object(
  {
    name: Type.Optional(name),
    type: Type.Optional(type),
    location: Type.Optional(Type.Union([GeoPoint, Type.Null()])),
    population: Type.Optional(Type.Union([population, Type.Null()])),
    country: Type.Optional(Type.Union([country, Type.Null()])),
    external_ref: Type.Optional(Type.Union([externalRef, Type.Null()])),
  },
  { additionalProperties: false, $id: 'AreaPatch' },
);
export type AreaPatch = Static<typeof AreaPatch>;

/** Args of the `areas.update` command: the id and the merge patch. */
export const AreaUpdateArgs = Type.Object(
  { id: IntegerId('Area id.'), patch: AreaPatch },
  { additionalProperties: false },
);
export type AreaUpdateArgs = Static<typeof AreaUpdateArgs>;

/** Args of the `areas.delete` command. */
export const AreaDeleteArgs = Type.Object({ id: IntegerId('Area id.') }, { additionalProperties: false });
export type AreaDeleteArgs = Static<typeof AreaDeleteArgs>;

/** An area as stored and returned. Ids are positive integers, never reused. */
export const Area = Type.Object(
  {
    id: IntegerId('Area id, assigned by the server.'),
    ...writable,
    created_at: Timestamp('Creation time (UTC).'),
    updated_at: Timestamp('Last change (UTC).'),
  },
  { additionalProperties: false, $id: 'Area' },
);
export type Area = Static<typeof Area>;

/** Query of `GET /areas`: filter by `type`, page by `after` (last id seen) and `limit`. */
export const AreaListQuery = Type.Object(
  {
    type: Type.Optional(type),
    after: Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: 'Cursor: the last id of the previous page.' })),
    limit: Type.Optional(PageLimit),
  },
  { additionalProperties: false },
);
export type AreaListQuery = Static<typeof AreaListQuery>;
