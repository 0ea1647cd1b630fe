import { problems } from '../../core/errors.ts';
import type { OfferCreate, OfferIdArgs, OfferRecord, OfferUpdateArgs } from '../../core/schemas/offers.ts';
import { indexChanged, indexOffer, unindexOffer } from '../../store/offer-index.ts';
import type { Store } from '../../store/store.ts';
import { removeFavoritesOf } from './favorites.ts';
import { offerEvent } from './offer-events.ts';
import { MANAGERS, mergePatch, requireRole } from './rights.ts';
import type { CommandContext, HandlerResult } from './types.ts';

const iso = (s: string) => new Date(s).toISOString();

/** Rules across fields, checked on the merged offer. @throws Problem 400 naming the field. */
function assertCoherent(o: OfferRecord): void {
  if (Date.parse(o.valid_until) <= Date.parse(o.valid_from))
    throw problems.invalid([{ path: '/valid_until', message: 'must be after valid_from' }]);
  if (o.quota?.per_user !== undefined && o.quota.per_user > o.quota.total)
    throw problems.invalid([{ path: '/quota/per_user', message: 'must not exceed quota.total' }]);
}

/** The offer `id`. @throws Problem 404. */
export function loadOffer(store: Store, id: string): OfferRecord {
  const o = store.offers.get(id);
  if (o === undefined) throw problems.notFound(`Offer ${id} does not exist.`);
  return o;
}

/**
 * `offers.create` (owner or manager of the establishment's partner, or admin), with the id assigned
 * before dispatch: it runs on the partition of `offer:<id>`, where every later command on the offer
 * (bookings included) runs too; its quota counter (`taken`) lives in the record.
 * @throws Problem 400 incoherent fields; 403; 404 unknown establishment.
 */
export function createOffer(store: Store, args: OfferCreate, now: number, ctx: CommandContext): HandlerResult {
  const e = store.establishments.get(args.establishment_id);
  if (e === undefined) throw problems.notFound(`Establishment ${args.establishment_id} does not exist.`);
  requireRole(store, ctx, e.partner_id, MANAGERS);
  const at = new Date(now).toISOString();
  const o: OfferRecord = {
    id: ctx.newId as string, partner_id: e.partner_id,
    establishment: { id: e.id, name: e.name, location: e.location, address: e.address },
    title: args.title, description: args.description ?? '', category: args.category, discount: args.discount,
    conditions: args.conditions ?? [], valid_from: iso(args.valid_from), valid_until: iso(args.valid_until),
    schedule: args.schedule ?? [], quota: args.quota ?? null, requires_approval: args.requires_approval ?? false,
    images: args.images ?? [], is_active: args.is_active ?? true, created_at: at, updated_at: at,
    taken: 0, timezone: e.timezone, area_id: e.area_id,
  };
  assertCoherent(o);
  store.offers.put(o.id, o);
  indexOffer(store, o);
  const created = offerEvent('offer.created', o);
  return { value: created.data, events: [created] };
}

/**
 * `offers.update`: merge patch. The quota cannot drop below the slots already held, and an offer
 * whose establishment was deleted cannot be activated again.
 * @throws Problem 400; 403; 404; 409 `quota-below-taken` or `establishment-deleted`.
 */
export function updateOffer(store: Store, { id, patch }: OfferUpdateArgs, now: number, ctx: CommandContext): HandlerResult {
  const old = loadOffer(store, id);
  requireRole(store, ctx, old.partner_id, MANAGERS);
  const o = mergePatch(old, { ...patch, updated_at: new Date(now).toISOString() });
  if (patch.valid_from !== undefined) o.valid_from = iso(patch.valid_from);
  if (patch.valid_until !== undefined) o.valid_until = iso(patch.valid_until);
  assertCoherent(o);
  if (o.quota !== null && o.quota.total < o.taken)
    throw problems.conflict('quota-below-taken', `${o.taken} slots are already held; quota.total cannot be lower.`);
  if (o.is_active && !old.is_active && !store.establishments.doesExist(o.establishment.id))
    throw problems.conflict('establishment-deleted', 'The establishment of this offer was deleted; it cannot be activated again.');
  if (indexChanged(old, o)) {
    unindexOffer(store, old);
    indexOffer(store, o);
  }
  store.offers.put(id, o);
  const updated = offerEvent('offer.updated', o);
  return { value: updated.data, events: [updated] };
}

/** `offers.delete`: removes the offer, its index entries and the favorites naming it. @throws Problem 403, 404. */
export function deleteOffer(store: Store, { id }: OfferIdArgs, _now: number, ctx: CommandContext): HandlerResult {
  const old = loadOffer(store, id);
  requireRole(store, ctx, old.partner_id, MANAGERS);
  unindexOffer(store, old);
  removeFavoritesOf(store, id);
  store.offers.remove(id);
  return { value: null, events: [{ topic: 'offers', event: 'offer.deleted', data: { id } }] };
}
