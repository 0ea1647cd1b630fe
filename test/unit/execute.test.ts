/**
 * Fault injection: a command whose handler throws half-way (a bug, not a refusal) leaves no partial
 * write behind — each command runs in its own LMDB child transaction (src/workers/execute.ts) — and the
 * other commands of its batch still commit.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { BOOKING_DEFAULTS } from '../../src/core/schemas/bookings.ts';
import type { CommandEnvelope } from '../../src/core/commands.ts';
import type { Store } from '../../src/store/store.ts';
import { executeCommand } from '../../src/workers/execute.ts';
import { createBooking } from '../../src/workers/handlers/bookings.ts';
import type { Handler } from '../../src/workers/handlers/index.ts';
import { bookingWorld, nextId, USERS } from '../helpers/booking-world.ts';

const world = bookingWorld();
after(() => world.close());

/** The store as a handler sees it, except that `bookings.put` throws: the fault comes after the quota counter and the per-user count were written. */
function faulty(store: Store): Store {
  const bookings = new Proxy(store.bookings, { get: (t, p, r) => (p === 'put' ? () => { throw new Error('injected fault'); } : Reflect.get(t, p, r)) });
  return { ...store, bookings };
}

test('a handler failing between two writes of a booking leaves the quota counter untouched; the batch goes on', async () => {
  const { store } = world;
  const offer = world.offer({ total: 3 }, false);
  const envelope = (user: string): CommandEnvelope => ({ name: 'bookings.create', args: { offer_id: offer }, principal: user, caller: user, newId: nextId() });
  const bugs: unknown[] = [];
  const [failed, ok] = await store.env.transaction(() => [
    executeCommand(faulty(store), createBooking as Handler<never>, envelope(USERS[0] as string), world.t0, BOOKING_DEFAULTS, (_c, err) => bugs.push(err)),
    executeCommand(store, createBooking as Handler<never>, envelope(USERS[1] as string), world.t0, BOOKING_DEFAULTS, (_c, err) => bugs.push(err)),
  ]);
  assert.equal(failed?.ok, false);
  assert.equal(!failed?.ok && failed?.problem.status, 500);
  assert.equal(ok?.ok, true, 'the next command of the batch committed');
  assert.equal(bugs.length, 1);
  assert.equal(store.offers.get(offer)?.taken, 1, 'only the good booking holds a slot');
  assert.equal(store.bookingSlots.get([offer, USERS[0] as string]), undefined, 'no per-user count for the failed one');
  assert.equal(store.bookingsByOffer.getKeysCount({ start: [offer], end: [`${offer}\u0000`] }), 1);
});

test('control: without the child transaction, the same fault would have committed a slot for nobody', async () => {
  const { store } = world;
  const offer = world.offer({ total: 3 }, false);
  await store.env.transaction(() => {
    try {
      createBooking(faulty(store), { offer_id: offer }, world.t0, world.ctx(USERS[0] as string));
    } catch { /* the injected fault */ }
  });
  assert.equal(store.offers.get(offer)?.taken, 1, 'lmdb-js does not roll back a throwing callback by itself');
});
