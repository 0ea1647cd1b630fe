/**
 * store/check: a store written by the real handlers (accounts, partner, team, offers, favorites,
 * bookings in every state) is consistent; removing an index entry, adding a dangling one and
 * changing a counted value are each reported, by `checkStore` and by `npm run check:store`
 * (exit 1 with a readable report; exit 0 once repaired).
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { checkStore, describe as describeProblem } from '../../src/store/check/check.ts';
import { LAYOUT_KEY } from '../../src/store/layout.ts';
import { LAYOUT_VERSION } from '../../src/store/migrations/index.ts';
import { addFavorite } from '../../src/workers/handlers/favorites.ts';
import { addMember } from '../../src/workers/handlers/members.ts';
import { cancelBooking, checkInBooking, confirmBooking, createBooking } from '../../src/workers/handlers/bookings.ts';
import { bookingWorld, OWNER, USERS } from '../helpers/booking-world.ts';
import { runCliStatus } from '../helpers/cli.ts';

const world = bookingWorld();
after(() => world.close());
const { store } = world;
const [u0, u1, u2] = USERS as [string, string, string];

/** Runs `npm run check:store` on the world's store. */
const checkCli = () => runCliStatus('src/cli/check-store.ts', { DATA_DIR: world.dataDir });

test('a store written by the handlers is consistent, then every kind of corruption is reported', async () => {
  const withApproval = world.offer({ total: 10, per_user: 3 }, true);
  const direct = world.offer(undefined, false);
  const now = world.t0 + 60_000;
  const [partner] = [...store.partners.getKeys()] as string[];
  let booking = '';
  store.env.transactionSync(() => {
    for (const { key, value } of store.users.getRange()) store.usersByEmail.put(value.email, key);
    store.meta.put(LAYOUT_KEY, LAYOUT_VERSION);
    addMember(store, { partner_id: partner as string, email: `${u2}@x.org`, role: 'staff' }, now, world.ctx(OWNER));
    addFavorite(store, { offer_id: direct }, now, world.ctx(u0));
    addFavorite(store, { offer_id: withApproval }, now + 1, world.ctx(u0));
    addFavorite(store, { offer_id: direct }, now, world.ctx(u1));
    const book = (offer: string, user: string) => (createBooking(store, { offer_id: offer }, now, world.ctx(user)).value as { id: string }).id;
    const pending = book(withApproval, u0);
    confirmBooking(store, { id: book(withApproval, u0) }, now, world.ctx(OWNER));
    cancelBooking(store, { id: book(withApproval, u1) }, now, world.ctx(u1));
    checkInBooking(store, { id: book(direct, u1) }, now, world.ctx(OWNER));
    booking = pending;
  });
  const clean = checkStore(store);
  assert.deepEqual(clean.problems.map(describeProblem), []);
  assert.ok((clean.entries.bookings_by_user ?? 0) >= 4 && (clean.entries.offer_words ?? 0) > 0 && clean.entries.memberships === 2, JSON.stringify(clean.entries));
  assert.equal((await checkCli()).code, 0);

  const ghost = '01900000-0000-7000-8000-ffffffffffff';
  await store.env.transaction(() => {
    store.bookingsByUser.remove([u0, booking]);
    store.offerWords.put(['ghostword', ghost], null);
    store.bookingSlots.put([withApproval, u0], 7);
  });
  const { problems } = checkStore(store);
  assert.deepEqual(problems.map((p) => [p.index, p.kind, p.record]).sort(), [
    ['booking_slots', 'value', `bookings of ${u0} on offer ${withApproval} holding a slot`],
    ['bookings_by_user', 'missing', `bookings ${booking}`],
    ['offer_words', 'dangling', `offers ${ghost}`],
  ]);
  const cli = await checkCli();
  assert.equal(cli.code, 1);
  assert.match(cli.stdout, /3 inconsistencies/);
  assert.match(cli.stdout, new RegExp(`bookings_by_user: missing entry \\["${u0}","${booking}"\\].*of bookings ${booking}`));
  assert.match(cli.stdout, new RegExp(`offer_words: dangling entry \\["ghostword","${ghost}"\\]: offers ${ghost} does not exist`));
  assert.match(cli.stdout, /booking_slots: entry .* holds 7, .* implies 2/);

  await store.env.transaction(() => {
    store.bookingsByUser.put([u0, booking], null);
    store.offerWords.remove(['ghostword', ghost]);
    store.bookingSlots.put([withApproval, u0], 2);
  });
  assert.equal((await checkCli()).code, 0, 'consistent again once repaired');
});
