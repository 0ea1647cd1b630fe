import type { Static, TSchema } from '@sinclair/typebox';
import type { CommandAccess } from './auth/access.ts';
import { AreaCreate, AreaDeleteArgs, AreaUpdateArgs } from './schemas/areas.ts';
import { Problem } from './errors.ts';
import { BookingCreate, BookingRef, CheckInArgs } from './schemas/bookings.ts';
import { EstablishmentCreateArgs, EstablishmentIdArgs, EstablishmentUpdateArgs } from './schemas/establishments.ts';
import { FavoriteArgs, OfferCreate, OfferIdArgs, OfferUpdateArgs } from './schemas/offers.ts';
import { MemberAddArgs, MemberRemoveArgs, PartnerCreate, PartnerIdArgs, PartnerUpdateArgs } from './schemas/partners.ts';
import { SessionOpenArgs, SessionRefreshArgs, SessionRevokeArgs } from './schemas/sessions.ts';
import { UserDeleteArgs, UserRegisterArgs, UserRehashArgs, UserRoleArgs, UserUpdateArgs } from './schemas/users.ts';
import type { ProblemBody } from './errors.ts';

/**
 * The command catalog: every write of the API, by name. HTTP routes and WebSocket `command` frames
 * both resolve to an entry here, and the same worker handler runs it.
 */
export interface CommandSpec<S extends TSchema = TSchema> {
  /** Dotted name, `<resource>.<verb>`, as used in WebSocket frames. */
  readonly name: string;
  /** One line for docs. */
  readonly summary: string;
  /** Schema of the args; validated on the front thread before dispatch. */
  readonly args: S;
  /**
   * Key that picks the partition: all commands with one key run in order on one actor.
   * `undefined` means any partition will do (spread round-robin).
   * @param ids the id assigned before dispatch (`assignsId`) and the caller's user id, when there are.
   */
  partitionKey(args: Static<S>, ids: AssignedIds, lookups: CommandLookups): string | undefined;
  /**
   * Checks that need no mutable data, run on the front before dispatch (e.g. a booking's QR token).
   * @throws Problem to refuse the command.
   */
  precheck?(args: Static<S>, lookups: CommandLookups): void;
  /** True for a command that creates a resource with a string id: the front assigns it (UUIDv7) before dispatch. */
  readonly assignsId?: boolean;
  /** Who may send it (checked on the front thread before dispatch; see core/auth/access.ts). */
  readonly access: CommandAccess<Static<S>>;
  /**
   * True for a command that erases its caller: no idempotency record is kept of it (nothing about an
   * erased account may remain, and a retry is refused with 401 anyway: the account is gone).
   */
  readonly erasesCaller?: boolean;
}

/** What the front fixes before dispatch, besides the args. */
export interface AssignedIds {
  /** UUIDv7 of the resource a command creates (specs with `assignsId`). */
  newId?: string | undefined;
  /** User id of the authenticated sender. */
  caller?: string | undefined;
}

/** Immutable facts the front reads from the store to route and pre-check commands. */
export interface CommandLookups {
  /** The offer of booking `id` (it never changes), or undefined for an unknown booking. */
  bookingOffer(id: string): string | undefined;
  /** True when `token` is the QR token of booking `id` at offer `offerId` (core/auth/booking-qr.ts). */
  qrMatches(token: string, id: string, offerId: string): boolean;
}

/** Lookups that know nothing: for tools that send no booking command (seeds). */
export const NO_LOOKUPS: CommandLookups = { bookingOffer: () => undefined, qrMatches: () => false };

function spec<S extends TSchema>(s: CommandSpec<S>): CommandSpec<S> {
  return s;
}

/** Partition key of everything that touches one area. */
export const areaKey = (id: number): string => `area:${id}`;
/** Partition key of everything that touches one account. */
const userKey = (id: string): string => `user:${id}`;
/** Partition key of the refresh token with this SHA-256: one token's uses run in order. */
const refreshKey = (hash: string): string => `refresh:${hash}`;
const partnerKey = (id: string): string => `partner:${id}`;
const establishmentKey = (id: string): string => `establishment:${id}`;
/** Partition key of everything that touches one offer: its quota counter, and later its bookings. */
export const offerKey = (id: string): string => `offer:${id}`;
/** The id a command with `assignsId` was given (the bus always sets it for those). */
const assigned = (ids: AssignedIds): string => ids.newId as string;
/** Every command on a booking runs on its offer's partition, with the quota counter. */
const bookingKey = (id: string, lookups: CommandLookups): string => {
  const offer = lookups.bookingOffer(id);
  return offer === undefined ? `booking:${id}` : offerKey(offer);
};
/** A command on the caller's own account (or any, for an admin). */
const ownAccount = { self: (a: { id: string }) => a.id };

export const commands = {
  'areas.create': spec({
    name: 'areas.create',
    summary: 'Create an area; the id is assigned inside the write transaction.',
    args: AreaCreate,
    partitionKey: (a) => (a.external_ref === undefined ? undefined : `area-ref:${a.external_ref}`),
    access: 'public',
  }),
  'areas.update': spec({
    name: 'areas.update',
    summary: 'Apply a JSON merge patch (RFC 7396) to an area.',
    args: AreaUpdateArgs,
    partitionKey: (a) => areaKey(a.id),
    access: 'public',
  }),
  'areas.delete': spec({
    name: 'areas.delete',
    summary: 'Delete an area; its id is never reused.',
    args: AreaDeleteArgs,
    partitionKey: (a) => areaKey(a.id),
    access: 'public',
  }),
  'partners.create': spec({
    name: 'partners.create',
    summary: 'Create a partner; the caller becomes its owner.',
    args: PartnerCreate,
    partitionKey: (_a, ids) => partnerKey(assigned(ids)),
    assignsId: true,
    access: 'user',
  }),
  'partners.update': spec({
    name: 'partners.update',
    summary: 'Apply a JSON merge patch (RFC 7396) to a partner (owner or admin).',
    args: PartnerUpdateArgs,
    partitionKey: (a) => partnerKey(a.id),
    access: 'user',
  }),
  'partners.delete': spec({
    name: 'partners.delete',
    summary: 'Delete a partner with no active offer, its team and its establishments (owner or admin).',
    args: PartnerIdArgs,
    partitionKey: (a) => partnerKey(a.id),
    access: 'user',
  }),
  'members.add': spec({
    name: 'members.add',
    summary: 'Add an account (by email) to a partner\'s team (owners or admin).',
    args: MemberAddArgs,
    partitionKey: (a) => partnerKey(a.partner_id),
    access: 'user',
  }),
  'members.remove': spec({
    name: 'members.remove',
    summary: 'Remove a member from a partner\'s team; never the last owner (owners or admin).',
    args: MemberRemoveArgs,
    partitionKey: (a) => partnerKey(a.partner_id),
    access: 'user',
  }),
  'establishments.create': spec({
    name: 'establishments.create',
    summary: 'Create an establishment of a partner; the timezone defaults to the location\'s (owner, manager or admin).',
    args: EstablishmentCreateArgs,
    partitionKey: (_a, ids) => establishmentKey(assigned(ids)),
    assignsId: true,
    access: 'user',
  }),
  'establishments.update': spec({
    name: 'establishments.update',
    summary: 'Apply a JSON merge patch to an establishment; its offers follow (owner, manager or admin).',
    args: EstablishmentUpdateArgs,
    partitionKey: (a) => establishmentKey(a.id),
    access: 'user',
  }),
  'establishments.delete': spec({
    name: 'establishments.delete',
    summary: 'Delete an establishment; its offers become inactive (owner, manager or admin).',
    args: EstablishmentIdArgs,
    partitionKey: (a) => establishmentKey(a.id),
    access: 'user',
  }),
  'offers.create': spec({
    name: 'offers.create',
    summary: 'Create an offer at an establishment (owner, manager or admin); runs on the partition of offer:<id>.',
    args: OfferCreate,
    partitionKey: (_a, ids) => offerKey(assigned(ids)),
    assignsId: true,
    access: 'user',
  }),
  'offers.update': spec({
    name: 'offers.update',
    summary: 'Apply a JSON merge patch (RFC 7396) to an offer (owner, manager or admin).',
    args: OfferUpdateArgs,
    partitionKey: (a) => offerKey(a.id),
    access: 'user',
  }),
  'offers.delete': spec({
    name: 'offers.delete',
    summary: 'Delete an offer and the favorites naming it (owner, manager or admin).',
    args: OfferIdArgs,
    partitionKey: (a) => offerKey(a.id),
    access: 'user',
  }),
  'favorites.add': spec({
    name: 'favorites.add',
    summary: 'Add an offer to the caller\'s favorites (idempotent: a repeat keeps the first time).',
    args: FavoriteArgs,
    partitionKey: (_a, ids) => userKey(ids.caller ?? ''),
    access: 'user',
  }),
  'favorites.remove': spec({
    name: 'favorites.remove',
    summary: 'Remove an offer from the caller\'s favorites (not an error when it is not one).',
    args: FavoriteArgs,
    partitionKey: (_a, ids) => userKey(ids.caller ?? ''),
    access: 'user',
  }),
  'bookings.create': spec({
    name: 'bookings.create',
    summary: 'Book a slot of an offer active now; never over its quota or the per-user limit.',
    args: BookingCreate,
    partitionKey: (a) => offerKey(a.offer_id),
    assignsId: true,
    access: 'user',
  }),
  'bookings.confirm': spec({
    name: 'bookings.confirm',
    summary: 'Confirm a PENDING booking (partner staff or admin).',
    args: BookingRef,
    partitionKey: (a, _ids, lookups) => bookingKey(a.id, lookups),
    access: 'user',
  }),
  'bookings.check_in': spec({
    name: 'bookings.check_in',
    summary: 'Check a CONFIRMED booking in with its QR token (partner staff or admin); a wrong token is a 422.',
    args: CheckInArgs,
    partitionKey: (a, _ids, lookups) => bookingKey(a.id, lookups),
    precheck(a, lookups) {
      const offer = lookups.bookingOffer(a.id);
      if (offer !== undefined && !lookups.qrMatches(a.qr_code, a.id, offer))
        throw new Problem(422, 'wrong-qr-code', 'Wrong QR code', 'This QR code is not the one of this booking.');
    },
    access: 'user',
  }),
  'bookings.cancel': spec({
    name: 'bookings.cancel',
    summary: 'Cancel a PENDING or CONFIRMED booking, releasing its slot (booker, partner staff or admin).',
    args: BookingRef,
    partitionKey: (a, _ids, lookups) => bookingKey(a.id, lookups),
    access: 'user',
  }),
  'bookings.expire': spec({
    name: 'bookings.expire',
    summary: 'Settle a booking past its deadline: PENDING → EXPIRED, CONFIRMED → NO_SHOW (the server\'s timer).',
    args: BookingRef,
    partitionKey: (a, _ids, lookups) => bookingKey(a.id, lookups),
    access: 'server',
  }),
  'users.set_role': spec({
    name: 'users.set_role',
    summary: 'Make or unmake an admin (admin listener only).',
    args: UserRoleArgs,
    partitionKey: (a) => userKey(a.id),
    access: 'server',
  }),
  'users.register': spec({
    name: 'users.register',
    summary: 'Create an account and open its first session; a taken email is a 409 (checked in the write transaction).',
    args: UserRegisterArgs,
    partitionKey: (a) => `email:${a.email}`,
    access: 'server',
  }),
  'users.update': spec({
    name: 'users.update',
    summary: 'Apply a JSON merge patch (RFC 7396) to an account profile.',
    args: UserUpdateArgs,
    partitionKey: (a) => userKey(a.id),
    access: ownAccount,
  }),
  'users.rehash_password': spec({
    name: 'users.rehash_password',
    summary: 'Store a password hash made at the current scrypt cost at login, unless the stored hash changed since it was verified.',
    args: UserRehashArgs,
    partitionKey: (a) => userKey(a.id),
    access: 'server',
  }),
  'users.delete': spec({
    name: 'users.delete',
    summary: 'Erase an account, its sessions and its idempotency records; the email can register again.',
    args: UserDeleteArgs,
    partitionKey: (a) => userKey(a.id),
    access: ownAccount,
    erasesCaller: true,
  }),
  'sessions.open': spec({
    name: 'sessions.open',
    summary: 'Open a session (refresh-token family) for an account whose password was checked.',
    args: SessionOpenArgs,
    partitionKey: (a) => userKey(a.user_id),
    access: 'server',
  }),
  'sessions.refresh': spec({
    name: 'sessions.refresh',
    summary: 'Use a refresh token up and add its successor; a used token revokes its whole family.',
    args: SessionRefreshArgs,
    partitionKey: (a) => refreshKey(a.refresh_hash),
    access: 'server',
  }),
  'sessions.revoke': spec({
    name: 'sessions.revoke',
    summary: 'Revoke the session (family) of a refresh token (logout); an unknown token is not an error (RFC 7009).',
    args: SessionRevokeArgs,
    partitionKey: (a) => refreshKey(a.refresh_hash),
    access: 'server',
  }),
} as const;

export type CommandName = keyof typeof commands;
export type CommandArgs<N extends CommandName> = Static<(typeof commands)[N]['args']>;

/** True when `name` is in the catalog. */
export function isCommandName(name: string): name is CommandName {
  return Object.hasOwn(commands, name);
}

/** A change worth telling subscribers about, e.g. `{topic: 'areas', event: 'area.created', data: area}`. */
export interface DomainEvent {
  topic: string;
  /** For a per-account topic (`me.bookings`): the account whose subscribers get it. */
  scope?: string;
  event: string;
  data: unknown;
}

/** What the front thread sends to a partition actor. */
export interface CommandEnvelope {
  name: CommandName;
  args: unknown;
  /** Idempotency-Key of the request, if any (≤ 255 chars). */
  idempotencyKey?: string;
  /** Who sent it: scopes idempotency keys. The caller's user id, or `anon:<client ip>` (servers: `anon`). */
  principal: string;
  /** The authenticated sender's user id (rights are checked against the store inside the transaction). */
  caller?: string;
  /** Id assigned before dispatch to a command that creates a resource (UUIDv7). */
  newId?: string;
}

/** What a partition actor answers once the write is durable (or refused). */
export type CommandOutcome =
  | { ok: true; value: unknown; events: DomainEvent[]; replayed?: boolean }
  | { ok: false; problem: ProblemBody; replayed?: boolean };
