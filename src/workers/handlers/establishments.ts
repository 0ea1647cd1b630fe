import { problems } from '../../core/errors.ts';
import type { Establishment, EstablishmentCreateArgs, EstablishmentIdArgs, EstablishmentUpdateArgs } from '../../core/schemas/establishments.ts';
import type { OfferRecord } from '../../core/schemas/offers.ts';
import { zoneAt } from '../../core/time/zones.ts';
import { facetIds, indexChanged, indexOffer, unindexOffer } from '../../store/offer-index.ts';
import type { Store } from '../../store/store.ts';
import type { DomainEvent } from '../../core/commands.ts';
import { offerEvent } from './offer-events.ts';
import { loadPartner, MANAGERS, mergePatch, requireRole } from './rights.ts';
import type { CommandContext, HandlerResult } from './types.ts';

const event = (name: string, data: unknown): DomainEvent => ({ topic: 'establishments', event: name, data });

function loadEstablishment(store: Store, id: string): Establishment {
  const e = store.establishments.get(id);
  if (e === undefined) throw problems.notFound(`Establishment ${id} does not exist.`);
  return e;
}

/** @throws Problem 400 naming `/area_id` when the area does not exist. */
function assertArea(store: Store, areaId: number | null | undefined): void {
  if (areaId !== undefined && areaId !== null && !store.areas.doesExist(areaId))
    throw problems.invalid([{ path: '/area_id', message: `area ${areaId} does not exist` }]);
}

/** Rewrites each offer of the establishment with `change`, keeping the indexes in step. */
function rewriteOffers(store: Store, id: string, change: (o: OfferRecord) => OfferRecord): DomainEvent[] {
  const events: DomainEvent[] = [];
  for (const offerId of facetIds(store, 'e', id)) {
    const old = store.offers.get(offerId);
    if (old === undefined) continue;
    const next = change(old);
    if (indexChanged(old, next)) {
      unindexOffer(store, old);
      indexOffer(store, next);
    }
    store.offers.put(offerId, next);
    events.push(offerEvent('offer.updated', next));
  }
  return events;
}

/**
 * `establishments.create` (owner or manager of the partner, or admin). `timezone` defaults to the
 * zone of `location` (@photostructure/tz-lookup).
 * @throws Problem 400 unknown area; 403; 404 unknown partner.
 */
export function createEstablishment(store: Store, args: EstablishmentCreateArgs, now: number, ctx: CommandContext): HandlerResult {
  loadPartner(store, args.partner_id);
  requireRole(store, ctx, args.partner_id, MANAGERS);
  assertArea(store, args.area_id);
  const at = new Date(now).toISOString();
  const id = ctx.newId as string;
  const e: Establishment = {
    id, partner_id: args.partner_id, name: args.name, address: args.address, location: { lat: args.location.lat, lng: args.location.lng },
    timezone: args.timezone ?? zoneAt(args.location.lat, args.location.lng), area_id: args.area_id ?? null,
    phone: args.phone ?? null, email: args.email ?? null, website: args.website ?? null,
    opening_hours: args.opening_hours ?? [], images: args.images ?? [], created_at: at, updated_at: at,
  };
  store.establishments.put(id, e);
  store.establishmentsByPartner.put([e.partner_id, id], null);
  return { value: e, events: [event('establishment.created', e)] };
}

/**
 * `establishments.update`: merge patch; a new location without a timezone derives it again. Its offers
 * show the new name, address and location at once (rewritten and re-indexed in this transaction).
 * @throws Problem 400 unknown area; 403; 404.
 */
export function updateEstablishment(store: Store, { id, patch }: EstablishmentUpdateArgs, now: number, ctx: CommandContext): HandlerResult {
  const old = loadEstablishment(store, id);
  requireRole(store, ctx, old.partner_id, MANAGERS);
  assertArea(store, patch.area_id);
  const e = mergePatch(old, { ...patch, updated_at: new Date(now).toISOString() });
  if (patch.location !== undefined && patch.timezone === undefined) e.timezone = zoneAt(e.location.lat, e.location.lng);
  store.establishments.put(id, e);
  const summary = { id, name: e.name, location: e.location, address: e.address };
  const events = rewriteOffers(store, id, (o) => ({ ...o, establishment: summary, timezone: e.timezone, area_id: e.area_id }));
  return { value: e, events: [event('establishment.updated', e), ...events] };
}

/** Removes establishment `id` and deactivates its offers (they stay readable). @returns the events. */
export function removeEstablishment(store: Store, id: string, now: number): DomainEvent[] {
  const e = store.establishments.get(id);
  if (e === undefined) return [];
  const at = new Date(now).toISOString();
  const events = rewriteOffers(store, id, (o) => (o.is_active ? { ...o, is_active: false, updated_at: at } : o));
  store.establishmentsByPartner.remove([e.partner_id, id]);
  store.establishments.remove(id);
  return [...events, event('establishment.deleted', { id })];
}

/** `establishments.delete` (owner or manager, or admin): its offers become inactive. @throws Problem 403, 404. */
export function deleteEstablishment(store: Store, { id }: EstablishmentIdArgs, now: number, ctx: CommandContext): HandlerResult {
  const old = loadEstablishment(store, id);
  requireRole(store, ctx, old.partner_id, MANAGERS);
  return { value: null, events: removeEstablishment(store, id, now) };
}
