import { Problem, problems } from '../../core/errors.ts';
import { bookingView, SLOT_HOLDING, TRANSITIONS, type BookingCreate, type BookingRecord, type BookingRef, type BookingStatus } from '../../core/schemas/bookings.ts';
import { remainingOf, type OfferRecord } from '../../core/schemas/offers.ts';
import { summarize } from '../../core/search/filter.ts';
import { isActiveAt } from '../../core/time/schedule.ts';
import type { DomainEvent } from '../../core/commands.ts';
import { prefixRange } from '../../store/accounts.ts';
import type { Store } from '../../store/store.ts';
import { loadOffer } from './offers.ts';
import { callerOf, isAdmin, memberRole } from './rights.ts';
import type { CommandContext, HandlerResult } from './types.ts';

/**
 * The booking state machine (API.md, "Bookings"). Every command on a booking runs on the partition of
 * `offer:<offer id>` inside one write transaction with the offer's quota counter (`taken`) and the
 * per-user count (`booking_slots`), so no interleaving can overbook: the counters are read and written
 * by one writer at a time, and a command sees every earlier command's writes.
 */

const iso = (ms: number) => new Date(ms).toISOString();

/** 409 `invalid-state`: a transition the contract does not allow. */
const invalidState = (b: BookingRecord, to: BookingStatus) =>
  problems.conflict('invalid-state', `Booking ${b.id} is ${b.status}; it cannot become ${to}.`);

/** The booking, or a 404 that does not reveal whether it exists to someone who may not see it. */
function loadBooking(store: Store, ref: BookingRef): BookingRecord {
  const b = store.bookings.get(ref.id);
  if (b === undefined) throw problems.notFound(`Booking ${ref.id} does not exist.`);
  return b;
}

/** True when `userId` is partner staff (any member) of the booking's partner, or an admin. */
const isStaff = (store: Store, b: BookingRecord, userId: string) => memberRole(store, b.partner_id, userId) !== undefined || isAdmin(store, userId);

/** @throws Problem 403 for the booker, 404 (its existence hidden) for anyone else who is neither partner staff nor an admin. */
function requireStaff(store: Store, b: BookingRecord, ctx: CommandContext): void {
  const caller = callerOf(store, ctx);
  if (isStaff(store, b, caller)) return;
  if (b.user_id === caller) throw problems.forbidden('Only the partner\'s staff confirm and check bookings in.');
  throw problems.notFound(`Booking ${b.id} does not exist.`);
}

function moveDeadline(store: Store, b: BookingRecord, next: string | null): void {
  if (b.expires_at !== null) store.bookingDeadlines.remove([Date.parse(b.expires_at), b.id]);
  if (next !== null) store.bookingDeadlines.put([Date.parse(next), b.id], b.offer_id);
}

/**
 * Gives back the slot of a booking leaving the slot-holding states.
 * @returns the offer with its counter lowered, or undefined when the offer was deleted meanwhile
 *   (its bookings still settle: a deleted offer's deadlines must not stay due for ever).
 */
function releaseSlot(store: Store, b: BookingRecord): OfferRecord | undefined {
  if (b.user_id !== null) {
    const n = (store.bookingSlots.get([b.offer_id, b.user_id]) ?? 1) - 1;
    if (n > 0) store.bookingSlots.put([b.offer_id, b.user_id], n);
    else store.bookingSlots.remove([b.offer_id, b.user_id]);
  }
  const offer = store.offers.get(b.offer_id);
  return offer === undefined ? undefined : { ...offer, taken: Math.max(0, offer.taken - 1) };
}

/**
 * The events of a booking change (data: the anonymous view): its own topic, its partner's, its booker's
 * (`me.bookings`, scoped to the booker); plus `offer.remaining_changed` when the quota counter moved.
 * Only the counter changed, so that event carries the offer's id and `remaining`, not the whole offer:
 * the read side drops the offer's cached bytes and keeps its search summary (which has no counter).
 */
function bookingEvents(event: 'booking.created' | 'booking.status_changed', b: BookingRecord, offer?: OfferRecord): DomainEvent[] {
  const data = bookingView(b, null);
  const events: DomainEvent[] = [
    { topic: `bookings:${b.id}`, event: 'booking.status_changed', data },
    { topic: `partners.bookings:${b.partner_id}`, event, data },
  ];
  if (b.user_id !== null) events.push({ topic: 'me.bookings', scope: b.user_id, event: 'booking.status_changed', data });
  if (event === 'booking.created') events.shift();
  if (offer !== undefined)
    events.push({ topic: 'offers', event: 'offer.remaining_changed', data: { id: offer.id, remaining: remainingOf(offer) } });
  return events;
}

/** Applies a transition and its writes; leaving the slot-holding states gives the slot back. */
function transition(store: Store, b: BookingRecord, to: BookingStatus, changes: Partial<BookingRecord>): HandlerResult {
  if (!TRANSITIONS[b.status].includes(to)) throw invalidState(b, to);
  const offer = SLOT_HOLDING.has(b.status) && !SLOT_HOLDING.has(to) ? releaseSlot(store, b) : undefined;
  const next: BookingRecord = { ...b, ...changes, status: to };
  moveDeadline(store, b, next.expires_at);
  store.bookings.put(b.id, next);
  if (offer !== undefined) store.offers.put(offer.id, offer);
  return { value: next, events: bookingEvents('booking.status_changed', next, offer) };
}

/**
 * `bookings.create`: books a slot of an offer active now.
 * @throws Problem 401; 404 unknown offer; 422 `offer-not-active`; 409 `quota-exhausted` or `per-user-limit`.
 */
export function createBooking(store: Store, { offer_id }: BookingCreate, now: number, ctx: CommandContext): HandlerResult {
  const user = callerOf(store, ctx);
  const offer = loadOffer(store, offer_id);
  if (!isActiveAt(summarize(offer), now))
    throw new Problem(422, 'offer-not-active', 'Offer not active', `Offer ${offer_id} cannot be booked now: it is inactive, outside its validity or outside its schedule.`);
  if (offer.quota !== null && offer.taken >= offer.quota.total)
    throw problems.conflict('quota-exhausted', `Every slot of offer ${offer_id} is taken.`);
  const mine = store.bookingSlots.get([offer_id, user]) ?? 0;
  if (offer.quota?.per_user !== undefined && mine >= offer.quota.per_user)
    throw problems.conflict('per-user-limit', `You already hold ${mine} of the ${offer.quota.per_user} slots one account may hold on this offer.`);
  const pending = offer.requires_approval;
  const b: BookingRecord = {
    id: ctx.newId as string, offer_id, partner_id: offer.partner_id, user_id: user, status: pending ? 'PENDING' : 'CONFIRMED', created_at: iso(now),
    expires_at: iso(pending ? now + ctx.rules.holdMs : Math.min(Date.parse(offer.valid_until), now + ctx.rules.ttlMs)),
    confirmed_at: pending ? null : iso(now), checked_in_at: null, cancelled_at: null,
  };
  const taken: OfferRecord = { ...offer, taken: offer.taken + 1 };
  store.offers.put(offer_id, taken);
  store.bookingSlots.put([offer_id, user], mine + 1);
  store.bookings.put(b.id, b);
  store.bookingsByUser.put([user, b.id], null);
  store.bookingsByPartner.put([b.partner_id, b.id], null);
  store.bookingsByOffer.put([offer_id, b.id], null);
  moveDeadline(store, { ...b, expires_at: null }, b.expires_at);
  return { value: b, events: bookingEvents('booking.created', b, taken) };
}

/** `bookings.confirm` (partner staff or admin): PENDING → CONFIRMED. @throws Problem 404; 409 `invalid-state`. */
export function confirmBooking(store: Store, ref: BookingRef, now: number, ctx: CommandContext): HandlerResult {
  const b = loadBooking(store, ref);
  requireStaff(store, b, ctx);
  const offer = loadOffer(store, b.offer_id);
  return transition(store, b, 'CONFIRMED', { confirmed_at: iso(now), expires_at: iso(Math.min(Date.parse(offer.valid_until), now + ctx.rules.ttlMs)) });
}

/**
 * `bookings.check_in` (partner staff or admin): CONFIRMED → CHECKED_IN. The QR token was verified
 * against the booking on the front before dispatch.
 * @throws Problem 404; 409 `invalid-state` (a second check-in included).
 */
export function checkInBooking(store: Store, ref: BookingRef, now: number, ctx: CommandContext): HandlerResult {
  const b = loadBooking(store, ref);
  requireStaff(store, b, ctx);
  return transition(store, b, 'CHECKED_IN', { checked_in_at: iso(now), expires_at: null });
}

/** `bookings.cancel` (booker, partner staff or admin): PENDING/CONFIRMED → CANCELLED, slot released. @throws Problem 404; 409. */
export function cancelBooking(store: Store, ref: BookingRef, now: number, ctx: CommandContext): HandlerResult {
  const b = loadBooking(store, ref);
  const caller = callerOf(store, ctx);
  if (b.user_id !== caller && !isStaff(store, b, caller)) throw problems.notFound(`Booking ${b.id} does not exist.`);
  return transition(store, b, 'CANCELLED', { cancelled_at: iso(now), expires_at: null });
}

/**
 * `bookings.expire` (the server's deadline timer): a PENDING booking past its deadline → EXPIRED (slot
 * released), a CONFIRMED one → NO_SHOW (slot kept). Racing a confirm or a check-in on the same
 * partition, whichever commits first wins; the other gets 409.
 * @throws Problem 404; 409 `invalid-state` when the booking is settled or its deadline is not reached.
 */
export function expireBooking(store: Store, ref: BookingRef, now: number): HandlerResult {
  const b = loadBooking(store, ref);
  if (b.expires_at === null || Date.parse(b.expires_at) > now)
    throw problems.conflict('invalid-state', `Booking ${b.id} is ${b.status} and not past a deadline.`);
  return transition(store, b, b.status === 'PENDING' ? 'EXPIRED' : 'NO_SHOW', { expires_at: null });
}

/**
 * Anonymises the bookings of an erased account (GDPR): `user_id` becomes null, the booker's indexes
 * and per-user counts go; statuses, times and the offers' slot counts stay for the partners' history.
 */
export function anonymiseBookings(store: Store, userId: string): DomainEvent[] {
  const events: DomainEvent[] = [];
  for (const [, id] of [...store.bookingsByUser.getKeys(prefixRange(userId))] as [string, string][]) {
    const b = store.bookings.get(id);
    store.bookingsByUser.remove([userId, id]);
    if (b === undefined) continue;
    store.bookingSlots.remove([b.offer_id, userId]);
    const anon = { ...b, user_id: null };
    store.bookings.put(id, anon);
    events.push({ topic: `bookings:${id}`, event: 'booking.status_changed', data: bookingView(anon, null) });
  }
  return events;
}
