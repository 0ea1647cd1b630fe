import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { partitionOf } from '../../src/core/partitioner.ts';

/** With 2^32 partitions the modulo is a no-op, so partitionOf returns the raw 32-bit hash. */
const HASH_SPACE = 2 ** 32;

test('partitionOf is FNV-1a 32: published test vectors', () => {
  // http://www.isthe.com/chongo/src/fnv/test_fnv.c (FNV1A_32)
  assert.equal(partitionOf('', HASH_SPACE), 0x811c9dc5);
  assert.equal(partitionOf('a', HASH_SPACE), 0xe40c292c);
  assert.equal(partitionOf('foobar', HASH_SPACE), 0xbf9cf968);
});

test('partitionOf: pinned answers for our key shapes (a change here would move stored data between partitions)', () => {
  const keys = ['area:1', 'area:2', 'area:42', 'area-ref:geonames:2988507', 'idem:anon:k1'];
  assert.deepEqual(keys.map((k) => partitionOf(k, 2)), [1, 0, 0, 0, 0]);
  assert.deepEqual(keys.map((k) => partitionOf(k, 8)), [1, 0, 0, 6, 4]);
});

test('partitionOf: always an integer in [0, partitions)', () => {
  fc.assert(fc.property(fc.string({ unit: 'binary' }), fc.integer({ min: 1, max: 256 }), (key, n) => {
    const p = partitionOf(key, n);
    return Number.isInteger(p) && p >= 0 && p < n;
  }));
});

test('partitionOf: stable (same key, same count → same partition) and a pure function of the hash', () => {
  fc.assert(fc.property(fc.string({ unit: 'grapheme' }), fc.integer({ min: 1, max: 256 }), (key, n) => {
    const p = partitionOf(key, n);
    return partitionOf(key, n) === p && partitionOf(`${key}`, n) === p && p === partitionOf(key, HASH_SPACE) % n;
  }));
});

test('partitionOf: one partition takes everything', () => {
  fc.assert(fc.property(fc.string(), (key) => partitionOf(key, 1) === 0));
});

test('partitionOf: spreads sequential area keys evenly (each of 4 partitions gets 20–30% of 10,000)', () => {
  const counts = [0, 0, 0, 0];
  for (let id = 1; id <= 10_000; id++) counts[partitionOf(`area:${id}`, 4)]! += 1;
  for (const c of counts) assert.ok(c >= 2000 && c <= 3000, `uneven spread: ${counts.join(', ')}`);
});
