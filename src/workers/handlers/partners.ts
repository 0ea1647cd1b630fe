import { problems } from '../../core/errors.ts';
import type { Partner, PartnerCreate, PartnerIdArgs, PartnerUpdateArgs } from '../../core/schemas/partners.ts';
import { prefixRange } from '../../store/accounts.ts';
import { facetIds } from '../../store/offer-index.ts';
import type { Store } from '../../store/store.ts';
import { removeEstablishment } from './establishments.ts';
import { callerOf, loadPartner, mergePatch, OWNERS, requireRole } from './rights.ts';
import type { CommandContext, HandlerResult } from './types.ts';

const event = (name: string, data: unknown) => ({ topic: 'partners', event: name, data });

/** `partners.create`: the partner with the id assigned before dispatch; the caller becomes its `owner`. @throws Problem 401. */
export function createPartner(store: Store, args: PartnerCreate, now: number, ctx: CommandContext): HandlerResult {
  const caller = callerOf(store, ctx);
  const id = ctx.newId as string;
  const at = new Date(now).toISOString();
  const partner: Partner = {
    id, name: args.name, description: args.description ?? '', category: args.category, logo: args.logo ?? null, created_at: at, updated_at: at,
  };
  store.partners.put(id, partner);
  store.partnersByCategory.put([partner.category, id], null);
  store.members.put([id, caller], { role: 'owner', added_at: at });
  store.memberships.put([caller, id], 'owner');
  return { value: partner, events: [event('partner.created', partner)] };
}

/** `partners.update`: merge patch (owner or admin). @throws Problem 403, 404. */
export function updatePartner(store: Store, { id, patch }: PartnerUpdateArgs, now: number, ctx: CommandContext): HandlerResult {
  const old = loadPartner(store, id);
  requireRole(store, ctx, id, OWNERS);
  const partner = mergePatch(old, { ...patch, updated_at: new Date(now).toISOString() });
  store.partners.put(id, partner);
  if (partner.category !== old.category) {
    store.partnersByCategory.remove([old.category, id]);
    store.partnersByCategory.put([partner.category, id], null);
  }
  return { value: partner, events: [event('partner.updated', partner)] };
}

/** True when the partner has an offer with `is_active` set. */
function hasActiveOffers(store: Store, partnerId: string): boolean {
  return facetIds(store, 'p', partnerId).some((id) => store.offers.get(id)?.is_active === true);
}

/**
 * `partners.delete` (owner or admin): needs no active offer left. Removes the team and the
 * establishments; the (inactive) offers stay readable for the bookings' history.
 * @throws Problem 403, 404; 409 `partner-has-active-offers`.
 */
export function deletePartner(store: Store, { id }: PartnerIdArgs, now: number, ctx: CommandContext): HandlerResult {
  const partner = loadPartner(store, id);
  requireRole(store, ctx, id, OWNERS);
  if (hasActiveOffers(store, id))
    throw problems.conflict('partner-has-active-offers', `Partner ${id} still has active offers: deactivate or delete them first.`);
  const events = [];
  for (const [, estId] of [...store.establishmentsByPartner.getKeys(prefixRange(id))] as [string, string][])
    events.push(...removeEstablishment(store, estId, now));
  for (const [, userId] of [...store.members.getKeys(prefixRange(id))] as [string, string][]) {
    store.members.remove([id, userId]);
    store.memberships.remove([userId, id]);
  }
  store.partnersByCategory.remove([partner.category, id]);
  store.partners.remove(id);
  return { value: null, events: [...events, event('partner.deleted', { id })] };
}
