import { problems } from '../../core/errors.ts';
import type { Member, MemberAddArgs, MemberRemoveArgs } from '../../core/schemas/partners.ts';
import { prefixRange } from '../../store/accounts.ts';
import type { Store } from '../../store/store.ts';
import { loadPartner, OWNERS, requireRole } from './rights.ts';
import type { CommandContext, HandlerResult } from './types.ts';

/** Owners of partner `partnerId`. */
export function ownersOf(store: Store, partnerId: string): string[] {
  const out: string[] = [];
  for (const { key, value } of store.members.getRange(prefixRange(partnerId))) if (value.role === 'owner') out.push(key[1]);
  return out;
}

/** @throws Problem 409 `last-owner` when `userId` is the only owner of `partnerId`. */
export function assertNotLastOwner(store: Store, partnerId: string, userId: string): void {
  const owners = ownersOf(store, partnerId);
  if (owners.length === 1 && owners[0] === userId)
    throw problems.conflict('last-owner', `This is the last owner of partner ${partnerId}: make another member owner first.`);
}

/**
 * `members.add` (owners or admin): adds the account with `email` to the team.
 * @throws Problem 403; 404 unknown partner or no account with that email; 409 `already-member`.
 */
export function addMember(store: Store, { partner_id, email, role }: MemberAddArgs, now: number, ctx: CommandContext): HandlerResult {
  loadPartner(store, partner_id);
  requireRole(store, ctx, partner_id, OWNERS);
  const userId = store.usersByEmail.get(email);
  const user = userId === undefined ? undefined : store.users.get(userId);
  if (user === undefined) throw problems.notFound(`No account uses ${email}.`);
  if (store.members.doesExist([partner_id, user.id])) throw problems.conflict('already-member', `${email} is already in this team.`);
  const added_at = new Date(now).toISOString();
  store.members.put([partner_id, user.id], { role, added_at });
  store.memberships.put([user.id, partner_id], role);
  const member: Member = { user_id: user.id, email: user.email, first_name: user.first_name, last_name: user.last_name, role, added_at };
  return { value: member, events: [] };
}

/**
 * `members.remove` (owners or admin).
 * @throws Problem 403; 404 unknown partner or not a member; 409 `last-owner`.
 */
export function removeMember(store: Store, { partner_id, user_id }: MemberRemoveArgs, _now: number, ctx: CommandContext): HandlerResult {
  loadPartner(store, partner_id);
  requireRole(store, ctx, partner_id, OWNERS);
  if (!store.members.doesExist([partner_id, user_id])) throw problems.notFound(`${user_id} is not a member of partner ${partner_id}.`);
  assertNotLastOwner(store, partner_id, user_id);
  store.members.remove([partner_id, user_id]);
  store.memberships.remove([user_id, partner_id]);
  return { value: null, events: [] };
}
