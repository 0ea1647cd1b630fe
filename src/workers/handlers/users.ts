import { v7 as uuidv7 } from 'uuid';
import { authProblems } from '../../core/auth/problems.ts';
import type { SessionGrant } from '../../core/schemas/sessions.ts';
import { toUser, type UserDeleteArgs, type UserRehashArgs, type UserRoleArgs, type UserRecord, type UserRegisterArgs, type UserUpdateArgs } from '../../core/schemas/users.ts';
import { prefixRange } from '../../store/accounts.ts';
import type { Store } from '../../store/store.ts';
import { anonymiseBookings } from './bookings.ts';
import { removeFavoritesBy } from './favorites.ts';
import { assertNotLastOwner } from './members.ts';
import { eraseSessions, openFamily } from './sessions.ts';
import type { HandlerResult } from './types.ts';

function loadUser(store: Store, id: string): UserRecord {
  const user = store.users.get(id);
  if (user === undefined) throw authProblems.accountGone(id);
  return user;
}

/**
 * `users.register`: checks the email index and inserts in the same write transaction (serialised
 * with every writer of every thread), so one email gets exactly one account however many
 * registrations race; then opens the account's first session.
 * @throws Problem 409 `email-taken`.
 */
export function registerUser(store: Store, args: UserRegisterArgs, now: number): HandlerResult {
  if (store.usersByEmail.doesExist(args.email)) throw authProblems.emailTaken(args.email);
  const id = uuidv7({ msecs: now });
  const at = new Date(now).toISOString();
  const user: UserRecord = {
    id, email: args.email, first_name: args.first_name, last_name: args.last_name, phone: args.phone ?? null,
    role: 'user', identity_status: 'unverified', created_at: at, password_hash: args.password_hash, updated_at: at,
  };
  store.users.put(id, user);
  store.usersByEmail.put(args.email, id);
  openFamily(store, id, args.refresh_hash, now);
  const grant: SessionGrant = { status: 'issued', user: toUser(user) };
  return { value: grant, events: [] };
}

/** `users.update`: JSON merge patch of the profile (`phone: null` removes it). @throws Problem 404 unknown account. */
export function updateUser(store: Store, { id, patch }: UserUpdateArgs, now: number): HandlerResult {
  const user: UserRecord = { ...loadUser(store, id), ...patch, updated_at: new Date(now).toISOString() };
  store.users.put(id, user);
  return { value: toUser(user), events: [] };
}

/**
 * `users.set_role` (admin listener only): makes or unmakes an admin; takes effect on the account's
 * next request (the gate's role cache learns it from the committed event). @throws Problem 404 unknown account.
 */
export function setUserRole(store: Store, { id, role }: UserRoleArgs, now: number): HandlerResult {
  const user: UserRecord = { ...loadUser(store, id), role, updated_at: new Date(now).toISOString() };
  store.users.put(id, user);
  return { value: toUser(user), events: [{ topic: 'users', event: 'user.role_changed', data: { id, role } }] };
}

/**
 * `users.rehash_password` (login, after SCRYPT_COST_LOG2 was raised): replaces the account's password hash
 * with `new_hash` only if the stored one is still `old_hash`, checked in this write transaction, so a
 * password set meanwhile, or an erasure, wins. `updated_at` is kept: the profile did not change.
 * @returns value `{rehashed: boolean}`: false when the account is gone or its hash changed.
 */
export function rehashPassword(store: Store, { id, old_hash, new_hash }: UserRehashArgs): HandlerResult {
  const user = store.users.get(id);
  const rehashed = user !== undefined && user.password_hash === old_hash;
  if (rehashed) store.users.put(id, { ...user, password_hash: new_hash });
  return { value: { rehashed }, events: [] };
}

/**
 * `users.delete` (GDPR erasure): removes the account, its email (free to register again), its
 * sessions and refresh tokens, its team memberships, its favorites and the idempotency records it
 * owns, and anonymises its bookings (kept for the partners' history with `user_id: null`). Access
 * tokens already issued stop working because they name an account that no longer exists
 * (http/auth/gate.ts).
 * @throws Problem 404 unknown account; 409 `last-owner` while it is the last owner of a partner.
 */
export function deleteUser(store: Store, { id }: UserDeleteArgs): HandlerResult {
  const user = loadUser(store, id);
  const partners = [...store.memberships.getKeys(prefixRange(id))].map((k) => k[1]);
  for (const p of partners) assertNotLastOwner(store, p, id);
  for (const p of partners) {
    store.members.remove([p, id]);
    store.memberships.remove([id, p]);
  }
  removeFavoritesBy(store, id);
  const events = [...anonymiseBookings(store, id), { topic: 'users', event: 'user.deleted', data: { id } }];
  store.users.remove(id);
  store.usersByEmail.remove(user.email);
  eraseSessions(store, id);
  for (const key of [...store.idempotency.getKeys(prefixRange(id))]) store.idempotency.remove(key);
  return { value: null, events };
}
