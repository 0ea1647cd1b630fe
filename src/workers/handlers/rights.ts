import { problems } from '../../core/errors.ts';
import type { MemberRole, Partner } from '../../core/schemas/partners.ts';
import type { Store } from '../../store/store.ts';
import type { CommandContext } from './types.ts';

/**
 * Rights over partners, read from the store inside the command's write transaction: a membership or
 * role removed by a command that committed a moment earlier is seen here (API.md, Conventions).
 */

/** The caller's user id, whose account must still exist. @throws Problem 401. */
export function callerOf(store: Store, ctx: CommandContext): string {
  if (ctx.caller === undefined || !store.users.doesExist(ctx.caller))
    throw problems.unauthorized('This command needs an authenticated caller whose account exists.');
  return ctx.caller;
}

/** True when account `userId` holds the `admin` role (stored; granted on the admin listener only). */
export const isAdmin = (store: Store, userId: string): boolean => store.users.get(userId)?.role === 'admin';

/** The role of `userId` in partner `partnerId`'s team, if a member. */
export const memberRole = (store: Store, partnerId: string, userId: string): MemberRole | undefined =>
  store.members.get([partnerId, userId])?.role;

/** The partner `id`. @throws Problem 404. */
export function loadPartner(store: Store, id: string): Partner {
  const p = store.partners.get(id);
  if (p === undefined) throw problems.notFound(`Partner ${id} does not exist.`);
  return p;
}

/**
 * Checks that the caller is an admin or a member of `partnerId` with one of `roles`.
 * @returns the caller's user id.
 * @throws Problem 401 no caller; 403 not allowed.
 */
export function requireRole(store: Store, ctx: CommandContext, partnerId: string, roles: readonly MemberRole[]): string {
  const caller = callerOf(store, ctx);
  const role = memberRole(store, partnerId, caller);
  if ((role === undefined || !roles.includes(role)) && !isAdmin(store, caller))
    throw problems.forbidden(`This needs the ${roles.join(' or ')} role in partner ${partnerId}'s team.`);
  return caller;
}

/** Owners and managers manage establishments and offers. */
export const MANAGERS: readonly MemberRole[] = ['owner', 'manager'];
/** Only owners manage the partner itself and its team. */
export const OWNERS: readonly MemberRole[] = ['owner'];

/** Applies a JSON merge patch (RFC 7396) one level deep: `null` removes a member, `undefined` leaves it. */
export function mergePatch<T extends object>(base: T, patch: object): T {
  const out = { ...base } as Record<string, unknown>;
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) out[k] = null;
    else if (v !== undefined) out[k] = v;
  }
  return out as T;
}
