import { Type, type Static } from '@sinclair/typebox';
import { Timestamp, Uuid } from './common.ts';
import { Booking } from './bookings.ts';
import { Membership } from './partners.ts';
import { User } from './users.ts';

const NullableTime = (description: string) => Type.Union([Timestamp(description), Type.Null()]);

/**
 * `GET /me/export` (GDPR art. 15, right of access): everything sortie stores about the caller.
 * Secrets are described, not disclosed: the password hash and refresh-token hashes are left out.
 */
export const UserExport = Type.Object(
  {
    exported_at: Timestamp('When this export was made (UTC).'),
    user: Type.Object({ ...User.properties, updated_at: Timestamp('Last change of the profile (UTC).') }, { additionalProperties: false }),
    memberships: Type.Array(Membership),
    bookings: Type.Array(Booking, { description: 'The caller\'s bookings, newest first (`qr_code` withheld: see GET /bookings/{id}).' }),
    favorites: Type.Array(Type.Object({ offer_id: Uuid('Offer id.'), added_at: Timestamp('When it was added (UTC).') })),
    password: Type.Object({
      algorithm: Type.String({ description: 'Hash function and its parameters (the hash itself is withheld).' }),
    }),
    sessions: Type.Array(Type.Object({
      id: Uuid('Session (refresh-token family) id.'),
      created_at: Timestamp('Login time (UTC).'),
      last_used_at: Timestamp('Last refresh (UTC).'),
      expires_at: Timestamp('When the newest refresh token expires (UTC).'),
      revoked_at: NullableTime('When it was revoked (logout or token reuse), or null.'),
      refresh_tokens: Type.Array(Type.Object({
        issued_at: Timestamp('Issue time (UTC).'),
        expires_at: Timestamp('Expiry (UTC).'),
        used_at: NullableTime('When it was exchanged for the next one, or null.'),
      })),
    })),
    idempotency_keys: Type.Array(Type.Object({
      key: Type.String({ description: 'An Idempotency-Key the caller sent with a write.' }),
      created_at: Timestamp('When the write was first answered (UTC).'),
    })),
  },
  { additionalProperties: false, $id: 'UserExport' },
);
export type UserExport = Static<typeof UserExport>;
