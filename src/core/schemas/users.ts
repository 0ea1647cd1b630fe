import { Type, type Static } from '@sinclair/typebox';
import { Timestamp, Uuid } from './common.ts';
import { Membership } from './partners.ts';

/** Account roles of the API contract; rights over a partner come from team membership, not from the role. */
export const Role = Type.Union([Type.Literal('user'), Type.Literal('admin')],
  { $id: 'Role', description: '`user` or `admin` (granted on the admin listener only).' });
export type Role = Static<typeof Role>;

/** Where the account's identity check stands; every account starts `unverified`. */
export const IdentityStatus = Type.Union(
  [Type.Literal('unverified'), Type.Literal('pending'), Type.Literal('verified'), Type.Literal('rejected')],
  { $id: 'IdentityStatus', description: 'Identity verification state; new accounts are `unverified`.' });
export type IdentityStatus = Static<typeof IdentityStatus>;

const Email = Type.String({ format: 'email', maxLength: 254, description: 'Email address: trimmed and lower-cased by the server, unique.' });
const Password = Type.String({ minLength: 8, maxLength: 72, description: 'Password, 8–72 characters.' });
const PersonName = (description: string) => Type.String({ minLength: 2, maxLength: 50, pattern: '\\S', description });
const FirstName = PersonName('Given name, 2–50 characters.');
const LastName = PersonName('Family name, 2–50 characters.');
const Phone = Type.String({ pattern: '^\\+[1-9][0-9]{1,14}$', description: 'E.164 phone number, e.g. `+33612345678`.' });
/** SHA-256 of a refresh token, lower-case hex: the only form in which refresh tokens are stored. */
export const Sha256Hex = Type.String({ pattern: '^[0-9a-f]{64}$', description: 'SHA-256, lower-case hex.' });

/**
 * The form in which emails are compared and stored: trimmed and lower-cased (API.md, "Auth and users").
 * Apply it before validating, so that `" Ann@Example.org "` is accepted as `ann@example.org`.
 */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Body of `POST /auth/register`. */
export const RegisterRequest = Type.Object(
  { email: Email, password: Password, first_name: FirstName, last_name: LastName, phone: Type.Optional(Phone) },
  { additionalProperties: false, $id: 'RegisterRequest' },
);
export type RegisterRequest = Static<typeof RegisterRequest>;

/** Body of `POST /auth/login`. */
export const LoginRequest = Type.Object({ email: Email, password: Password }, { additionalProperties: false, $id: 'LoginRequest' });
export type LoginRequest = Static<typeof LoginRequest>;

/** Body of `POST /auth/refresh` and `POST /auth/logout`. */
export const RefreshRequest = Type.Object(
  { refresh_token: Type.String({ minLength: 1, maxLength: 256, description: 'A refresh token from register, login or refresh.' }) },
  { additionalProperties: false, $id: 'RefreshRequest' },
);
export type RefreshRequest = Static<typeof RefreshRequest>;

/** An account as `GET /me` returns it. */
export const User = Type.Object(
  {
    id: Uuid('User id (UUIDv7).'),
    email: Email,
    first_name: FirstName,
    last_name: LastName,
    phone: Type.Union([Phone, Type.Null()]),
    role: Role,
    identity_status: IdentityStatus,
    created_at: Timestamp('Creation time (UTC).'),
  },
  { additionalProperties: false, $id: 'User' },
);
export type User = Static<typeof User>;

/** `GET /me`: the account and its team memberships (API.md, "Partners and establishments"). */
export const Me = Type.Object(
  { ...User.properties, memberships: Type.Array(Membership) },
  { additionalProperties: false, $id: 'Me' },
);
export type Me = Static<typeof Me>;

/** An account as stored (db `users`): the public fields, the password hash and the last change. */
export interface UserRecord extends User {
  /** PHC string of the scrypt hash, parameters included (core/auth/password.ts). */
  password_hash: string;
  updated_at: string;
}

/** Answer of register, login and refresh. */
export const TokenPair = Type.Object(
  {
    access_token: Type.String({ description: 'JWT for `Authorization: Bearer`, valid 15 minutes.' }),
    refresh_token: Type.String({ description: 'Opaque, single use, valid 7 days; `POST /auth/refresh` exchanges it for a new pair.' }),
    token_type: Type.Literal('Bearer'),
    expires_in: Type.Integer({ description: 'Lifetime of the access token, seconds.' }),
    user: User,
  },
  { additionalProperties: false, $id: 'TokenPair' },
);
export type TokenPair = Static<typeof TokenPair>;

/**
 * Body of `PATCH /me`: JSON merge patch (RFC 7396) of the profile; `phone: null` removes the phone.
 * No `$id`: it is compiled on its own (the route) and inside UserUpdateArgs (the bus), and ajv refuses
 * an `$id` registered twice.
 */
export const UserPatch = Type.Object(
  { first_name: Type.Optional(FirstName), last_name: Type.Optional(LastName), phone: Type.Optional(Type.Union([Phone, Type.Null()])) },
  { additionalProperties: false },
);
export type UserPatch = Static<typeof UserPatch>;

/**
 * Args of `users.register` (sent by the server's register flow only): the profile, the password
 * already hashed on the front thread, and the hash of the first refresh token.
 */
const PasswordHash = Type.String({ minLength: 1, maxLength: 512, description: 'PHC string of a scrypt hash (core/auth/password.ts).' });

export const UserRegisterArgs = Type.Object(
  {
    email: Email,
    password_hash: PasswordHash,
    first_name: FirstName,
    last_name: LastName,
    phone: Type.Optional(Phone),
    refresh_hash: Sha256Hex,
  },
  { additionalProperties: false },
);
export type UserRegisterArgs = Static<typeof UserRegisterArgs>;

/** Args of `users.update`: the account and the merge patch. */
export const UserUpdateArgs = Type.Object({ id: Uuid('User id.'), patch: UserPatch }, { additionalProperties: false });
export type UserUpdateArgs = Static<typeof UserUpdateArgs>;

/** Body of `PUT /admin/users/{id}/role` (admin listener). */
export const RoleChange = Type.Object({ role: Role }, { additionalProperties: false, $id: 'RoleChange' });

/** Args of `users.set_role`. */
export const UserRoleArgs = Type.Object({ id: Uuid('User id.'), role: Role }, { additionalProperties: false });
export type UserRoleArgs = Static<typeof UserRoleArgs>;

/**
 * Args of `users.rehash_password` (sent by the server's login flow only): `new_hash` replaces the stored
 * hash only while it is still `old_hash`, the one the login just verified.
 */
export const UserRehashArgs = Type.Object({ id: Uuid('User id.'), old_hash: PasswordHash, new_hash: PasswordHash }, { additionalProperties: false });
export type UserRehashArgs = Static<typeof UserRehashArgs>;

/** Args of `users.delete`. */
export const UserDeleteArgs = Type.Object({ id: Uuid('User id.') }, { additionalProperties: false });
export type UserDeleteArgs = Static<typeof UserDeleteArgs>;

/** The public view of a stored account (drops the password hash and `updated_at`), in contract field order. */
export function toUser(r: UserRecord): User {
  return {
    id: r.id, email: r.email, first_name: r.first_name, last_name: r.last_name, phone: r.phone,
    role: r.role, identity_status: r.identity_status, created_at: r.created_at,
  };
}
