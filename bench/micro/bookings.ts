import { v7 as uuidv7 } from 'uuid';
import type { Caller } from '../../src/core/auth/claims.ts';
import { BOOKING_DEFAULTS } from '../../src/core/schemas/bookings.ts';
import type { Store } from '../../src/store/store.ts';
import type { CommandBus, CommandMeta } from '../../src/workers/command-bus.ts';
import { createBooking } from '../../src/workers/handlers/bookings.ts';
import { createEstablishment } from '../../src/workers/handlers/establishments.ts';
import { createOffer } from '../../src/workers/handlers/offers.ts';
import { createPartner } from '../../src/workers/handlers/partners.ts';
import { amortized, inFlight, type MicroTask } from './harness.ts';

const OWNER = '01900000-0000-7000-8000-0000000000b0';
const BOOKER = '01900000-0000-7000-8000-0000000000b1';
/** Bookings per write transaction in the handler row. */
const PER_TRANSACTION = 100;
/** Offers of the "spread" row: one per booking in flight. */
const SPREAD = 64;
const DAY_MS = 86_400_000;

/**
 * Writes an owner and a booker account, a partner, one establishment and `count` offers active now
 * (no schedule, quota 1,000,000, no per-user limit) with the real handlers, straight into the store.
 * @returns the offers' ids.
 */
async function seedOffers(store: Store, count: number): Promise<string[]> {
  const now = Date.now();
  const ctx = (newId?: string) => ({ caller: OWNER, newId, rules: BOOKING_DEFAULTS });
  const account = (id: string, email: string) => ({ id, email, first_name: 'Ben', last_name: 'Ch', phone: null, role: 'user' as const,
    identity_status: 'unverified' as const, created_at: '', updated_at: '', password_hash: '' });
  const [partner, establishment] = [uuidv7(), uuidv7()];
  const offers = Array.from({ length: count }, () => uuidv7());
  await store.env.transaction(() => {
    store.users.put(OWNER, account(OWNER, 'owner@bookings.bench'));
    store.users.put(BOOKER, account(BOOKER, 'booker@bookings.bench'));
    createPartner(store, { name: 'Bookings bench', category: 'BAR' }, now, ctx(partner));
    createEstablishment(store, { partner_id: partner, name: 'Bookings bench', address: { street: 's', city: 'Paris', postal_code: '75001', country: 'FR' },
      location: { lat: 48.86, lng: 2.35 }, timezone: 'Europe/Paris' }, now, ctx(establishment));
    for (const id of offers) {
      createOffer(store, { establishment_id: establishment, title: 'Bookings bench', category: 'BAR', discount: { kind: 'percentage', value: 20 },
        quota: { total: 1_000_000 }, valid_from: new Date(now - DAY_MS).toISOString(), valid_until: new Date(now + 30 * DAY_MS).toISOString() }, now, ctx(id));
    }
  });
  await store.env.flushed;
  return offers;
}

/**
 * `bookings.create` (issue 8): the handler called directly inside a write transaction (PER_TRANSACTION
 * bookings per transaction, commit awaited, no fsync wait), and through the durable `bus.execute`
 * path (validation, partition of `offer:<id>`, actor thread, one transaction per batch, fsync, outcome
 * back; without the front's presenter, which signs the QR token) on one hot offer with 1 and 64 in
 * flight, and spread over 64 offers with 64 in flight. Each row books its own offer(s), so no quota runs out.
 */
export async function bookingTasks(store: Store, bus: CommandBus): Promise<MicroTask[]> {
  const offers = await seedOffers(store, 3 + SPREAD);
  const [handlerOffer, hot1, hot64, ...spread] = offers as [string, string, string, ...string[]];
  const caller: Caller = { id: BOOKER, role: 'user' };
  const meta: CommandMeta = { principal: BOOKER, caller };
  const book = (offer_id: string) => () => bus.execute('bookings.create', { offer_id }, meta);
  let next = 0;
  return [
    amortized(`bookings.create handler, ${PER_TRANSACTION} per write transaction (hot offer)`, PER_TRANSACTION, () => store.env.transaction(() => {
      const now = Date.now();
      for (let i = 0; i < PER_TRANSACTION; i++) createBooking(store, { offer_id: handlerOffer }, now, { caller: BOOKER, newId: uuidv7(), rules: BOOKING_DEFAULTS });
    })),
    { name: 'bus.execute(bookings.create) durable, hot offer, 1 in flight', fn: book(hot1) },
    inFlight('bus.execute(bookings.create) durable, hot offer, 64 in flight', 64, book(hot64)),
    inFlight(`bus.execute(bookings.create) durable, ${SPREAD} offers, 64 in flight`, 64, () => book(spread[next++ % spread.length] as string)()),
  ];
}
