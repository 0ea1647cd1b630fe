import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { Unpackr } from 'msgpackr';
import { packBytes, unpackBytes } from '../../src/core/codec.ts';

test('round trip of a command envelope and an outcome', () => {
  const envelope = { name: 'areas.create', args: { name: 'Paris', type: 'city', location: { lat: 48.85, lng: 2.35 } }, principal: 'anon', idempotencyKey: 'k' };
  assert.deepEqual(unpackBytes(packBytes(envelope)), envelope);
  const outcome = { ok: false, problem: { type: 'https://sortie.dev/problems/not-found', title: 'Not found', status: 404 }, replayed: true };
  assert.deepEqual(unpackBytes(packBytes(outcome)), outcome);
});

test('property: any JSON value survives a round trip (as JSON sees it: -0 is 0; `__proto__` keys, below)', () => {
  const json = fc.jsonValue().filter((v) => !JSON.stringify(v).includes('"__proto__"'));
  fc.assert(fc.property(json, (v) => {
    assert.deepEqual(unpackBytes(packBytes(v)), JSON.parse(JSON.stringify(v)));
  }), { numRuns: 500 });
});

test('a `__proto__` key never reaches a prototype (msgpackr renames it `__proto_`)', () => {
  const back = unpackBytes<Record<string, unknown>>(packBytes(JSON.parse('{"__proto__":{"polluted":1},"a":1}')));
  assert.equal(Object.getPrototypeOf(back), Object.prototype);
  assert.equal((back as { polluted?: unknown }).polluted, undefined);
  assert.equal(({} as { polluted?: unknown }).polluted, undefined);
  assert.equal(back.a, 1);
});

test('bytes survive a round trip', () => {
  const bytes = new Uint8Array([0, 1, 2, 255]);
  const back = unpackBytes<{ b: Uint8Array }>(packBytes({ b: bytes }));
  assert.deepEqual([...back.b], [0, 1, 2, 255]);
});

test('packBytes returns a fresh, whole ArrayBuffer each call (safe to transfer or keep)', () => {
  const a = packBytes({ n: 1 });
  const b = packBytes({ n: 2 });
  assert.equal(a.byteOffset, 0);
  assert.equal(a.buffer.byteLength, a.byteLength);
  assert.notEqual(a.buffer, b.buffer);
  assert.deepEqual(unpackBytes(a), { n: 1 }, 'a later pack does not overwrite an earlier result');
});

test('plain structures only (no records): a fresh decoder with no shared state reads it', () => {
  const value = [{ x: 1, y: 2 }, { x: 3, y: 4 }];
  const bytes = packBytes(value);
  assert.deepEqual([bytes[0], bytes[1]], [0x92, 0xde], 'a plain msgpack array of two maps, not a record extension');
  assert.deepEqual(new Unpackr({ mapsAsObjects: true }).unpack(bytes), value);
});

test('malformed msgpack throws', () => {
  assert.throws(() => unpackBytes(new Uint8Array([0x92, 0x01])), /Unexpected end/);
  assert.throws(() => unpackBytes(new Uint8Array([0xd9])), /Unexpected end/);
});
