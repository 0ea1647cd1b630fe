import { Type, type Static } from '@sinclair/typebox';
import { CATALOG_LIMITS, ClockTime, GeoPoint, IntegerId, LIMITS, Text, Timestamp, Url, Uuid, Weekday } from './common.ts';

const name = Text(LIMITS.shortText, 'Display name, 1–200 characters.');

/** Postal address. */
export const Address = Type.Object(
  {
    street: Text(LIMITS.shortText, 'Street and number.'),
    city: Text(LIMITS.shortText, 'City.'),
    postal_code: Type.String({ minLength: 1, maxLength: 20, pattern: '\\S', description: 'Postal code.' }),
    country: Type.String({ pattern: '^[A-Z]{2}$', description: 'ISO 3166-1 alpha-2 country code.' }),
  },
  { additionalProperties: false, $id: 'Address' },
);
export type Address = Static<typeof Address>;

/** One opening window: `open` included, `close` excluded; a close at or before the open crosses midnight. */
export const OpeningHours = Type.Object(
  { day: Weekday, open: ClockTime('Opening time, HH:MM local.'), close: ClockTime('Closing time, HH:MM local.') },
  { additionalProperties: false },
);

const timezone = Type.String({ format: 'iana-timezone', maxLength: 64, description: 'IANA time zone, e.g. `Europe/Paris`; derived from `location` when absent.' });
const phone = Type.String({ pattern: '^\\+[1-9][0-9]{1,14}$', description: 'E.164 phone number.' });
const email = Type.String({ format: 'email', maxLength: 254 });
const website = Url('Web site (http or https).');
const openingHours = Type.Array(OpeningHours, { maxItems: CATALOG_LIMITS.listItems, description: 'Weekly opening hours in local time.' });
const images = Type.Array(Url('Image URL.'), { maxItems: CATALOG_LIMITS.listItems });
const areaId = IntegerId('Area (e.g. the city) it belongs to.');

const writable = {
  name,
  address: Address,
  location: GeoPoint,
  timezone: Type.Optional(timezone),
  area_id: Type.Optional(areaId),
  phone: Type.Optional(phone),
  email: Type.Optional(email),
  website: Type.Optional(website),
  opening_hours: Type.Optional(openingHours),
  images: Type.Optional(images),
};

/** Body of `POST /partners/{id}/establishments`. */
export const EstablishmentCreate = Type.Object(writable, { additionalProperties: false, $id: 'EstablishmentCreate' });
export type EstablishmentCreate = Static<typeof EstablishmentCreate>;

/** Args of `establishments.create`: the partner and the body. */
export const EstablishmentCreateArgs = Type.Object({ partner_id: Uuid('Partner id.'), ...writable }, { additionalProperties: false });
export type EstablishmentCreateArgs = Static<typeof EstablishmentCreateArgs>;

/**
 * Body of `PATCH /establishments/{id}`: JSON merge patch (RFC 7396). `null` removes an optional field.
 * A new `location` without `timezone` derives the zone again.
 */
export const EstablishmentPatch = Type.Object(
  {
    name: Type.Optional(name),
    address: Type.Optional(Address),
    location: Type.Optional(GeoPoint),
    timezone: Type.Optional(timezone),
    area_id: Type.Optional(Type.Union([areaId, Type.Null()])),
    phone: Type.Optional(Type.Union([phone, Type.Null()])),
    email: Type.Optional(Type.Union([email, Type.Null()])),
    website: Type.Optional(Type.Union([website, Type.Null()])),
    opening_hours: Type.Optional(openingHours),
    images: Type.Optional(images),
  },
  { additionalProperties: false },
);
export type EstablishmentPatch = Static<typeof EstablishmentPatch>;

/** Args of `establishments.update`. */
export const EstablishmentUpdateArgs = Type.Object({ id: Uuid('Establishment id.'), patch: EstablishmentPatch }, { additionalProperties: false });
export type EstablishmentUpdateArgs = Static<typeof EstablishmentUpdateArgs>;

/** Args of `establishments.delete`. */
export const EstablishmentIdArgs = Type.Object({ id: Uuid('Establishment id.') }, { additionalProperties: false });
export type EstablishmentIdArgs = Static<typeof EstablishmentIdArgs>;

/** An establishment as stored and returned. */
export const Establishment = Type.Object(
  {
    id: Uuid('Establishment id (UUIDv7).'),
    partner_id: Uuid('Partner id.'),
    name,
    address: Address,
    location: GeoPoint,
    timezone: Type.String({ description: 'IANA time zone in which opening hours and offer schedules are read.' }),
    area_id: Type.Union([areaId, Type.Null()]),
    phone: Type.Union([phone, Type.Null()]),
    email: Type.Union([email, Type.Null()]),
    website: Type.Union([website, Type.Null()]),
    opening_hours: openingHours,
    images,
    created_at: Timestamp('Creation time (UTC).'),
    updated_at: Timestamp('Last change (UTC).'),
  },
  { additionalProperties: false, $id: 'Establishment' },
);
export type Establishment = Static<typeof Establishment>;
