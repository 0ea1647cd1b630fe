import assert from 'node:assert/strict';
import { test } from 'node:test';
import { areaKey, offerKey, commands, isCommandName, NO_LOOKUPS } from '../../src/core/commands.ts';

test('the catalog holds every area write, each under its own name', () => {
  for (const name of ['areas.create', 'areas.update', 'areas.delete']) {
    assert.ok(isCommandName(name), name);
    assert.equal(commands[name as keyof typeof commands].name, name);
  }
});

test('isCommandName refuses unknown names, including inherited object keys', () => {
  for (const name of ['areas.drop', '', 'toString', '__proto__', 'constructor', 'hasOwnProperty']) assert.equal(isCommandName(name), false, name);
});

test('every command on one area shares that area\'s partition key', () => {
  assert.equal(commands['areas.update'].partitionKey({ id: 42, patch: {} }, {}, NO_LOOKUPS), areaKey(42));
  assert.equal(commands['areas.delete'].partitionKey({ id: 42 }, {}, NO_LOOKUPS), areaKey(42));
  assert.equal(areaKey(42), 'area:42');
});

test('creates are keyed by external_ref when there is one (so duplicates meet on one actor), else spread', () => {
  assert.equal(commands['areas.create'].partitionKey({ name: 'a', type: 'b' }, {}, NO_LOOKUPS), undefined);
  assert.equal(commands['areas.create'].partitionKey({ name: 'a', type: 'b', external_ref: 'geonames:1' }, {}, NO_LOOKUPS), 'area-ref:geonames:1');
});

test('every command on one offer, including its creation, shares the partition of offer:<id>', () => {
  const id = '01900000-0000-7000-8000-000000000001';
  assert.equal(commands['offers.create'].partitionKey({} as never, { newId: id }, NO_LOOKUPS), offerKey(id));
  assert.equal(commands['offers.update'].partitionKey({ id, patch: {} }, {}, NO_LOOKUPS), offerKey(id));
  assert.equal(commands['offers.delete'].partitionKey({ id }, {}, NO_LOOKUPS), offerKey(id));
});

test('favorites run on the caller\'s partition', () => {
  const a = commands['favorites.add'].partitionKey({ offer_id: 'x' }, { caller: 'u1' }, NO_LOOKUPS);
  assert.equal(a, commands['favorites.remove'].partitionKey({ offer_id: 'y' }, { caller: 'u1' }, NO_LOOKUPS));
  assert.notEqual(a, commands['favorites.add'].partitionKey({ offer_id: 'x' }, { caller: 'u2' }, NO_LOOKUPS));
});

test('every command on a booking runs on its offer\'s partition (the front looks the offer up)', () => {
  const offer = '01900000-0000-7000-8000-000000000001';
  const id = '01900000-0000-7000-8000-000000000002';
  const lookups = { bookingOffer: (b: string) => (b === id ? offer : undefined), qrMatches: () => true };
  assert.equal(commands['bookings.create'].partitionKey({ offer_id: offer }, { newId: id }, lookups), offerKey(offer));
  for (const name of ['bookings.confirm', 'bookings.cancel', 'bookings.expire'] as const)
    assert.equal(commands[name].partitionKey({ id }, {}, lookups), offerKey(offer), name);
  assert.equal(commands['bookings.check_in'].partitionKey({ id, qr_code: 'x' }, {}, lookups), offerKey(offer));
});
