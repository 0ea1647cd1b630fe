import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bodyDeadline, type BodyLimits } from '../../src/http/body-reader.ts';

const limits: BodyLimits = { maxBytes: 1 << 20, timeoutMs: 1000, minRate: 1000, drainBytes: 0 };

test('a body is late BODY_TIMEOUT_MS after its last chunk, or once it falls behind BODY_MIN_RATE after its head start', () => {
  assert.equal(bodyDeadline(0, 0, 0, limits), 1000, 'nothing received: the head start');
  assert.equal(bodyDeadline(0, 5000, 5000, limits), 6000, 'at the rate: the last chunk decides');
  assert.equal(bodyDeadline(0, 5000, 2000, limits), 3000, 'at 400 bytes/s: behind since 3 s');
  assert.equal(bodyDeadline(0, 100, 100_000, limits), 1100, 'a burst then silence: BODY_TIMEOUT_MS after the burst');
});

test('a body that keeps BODY_MIN_RATE is never late, however long it lasts', () => {
  for (let t = 0; t <= 600_000; t += 25) assert.ok(bodyDeadline(0, t, t * (limits.minRate / 1000), limits) > t, `at ${t} ms`);
});
