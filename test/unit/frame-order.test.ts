import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Problem } from '../../src/core/errors.ts';
import { FrameOrder, MAX_HELD_FRAMES } from '../../src/http/ws/frame-order.ts';

test('frames run at once until an auth is pending, then wait and run in order once it settles', () => {
  const order = new FrameOrder<string>();
  const ran: string[] = [];
  assert.equal(order.hold('a'), false, 'nothing pending: run now');
  order.begin();
  assert.deepEqual(['b', 'c', 'd'].map((f) => order.hold(f)), [true, true, true]);
  order.settled((f) => {
    ran.push(f);
    if (f === 'c') order.begin(); // c is itself an auth frame verified asynchronously
  });
  assert.deepEqual(ran, ['b', 'c'], 'd waits for c');
  assert.equal(order.hold('e'), true, 'a frame arriving now queues behind d');
  order.settled((f) => ran.push(f));
  assert.deepEqual(ran, ['b', 'c', 'd', 'e']);
  assert.equal(order.hold('f'), false);
});

test(`at most MAX_HELD_FRAMES (${MAX_HELD_FRAMES}) frames wait; the next is refused with a 503 and dropped`, () => {
  const order = new FrameOrder<number>();
  order.begin();
  for (let i = 0; i < MAX_HELD_FRAMES; i++) assert.equal(order.hold(i), true);
  assert.throws(() => order.hold(MAX_HELD_FRAMES), (err: unknown) => err instanceof Problem && err.status === 503 && err.headers?.['Retry-After'] === '1');
  const ran: number[] = [];
  order.settled((f) => ran.push(f));
  assert.deepEqual(ran, Array.from({ length: MAX_HELD_FRAMES }, (_, i) => i));
});
