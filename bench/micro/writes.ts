import type { Area, AreaCreate } from '../../src/core/schemas/areas.ts';
import type { Store } from '../../src/store/store.ts';
import type { CommandBus } from '../../src/workers/command-bus.ts';
import { inFlight, type MicroTask } from './harness.ts';

/**
 * Durable writes: a raw LMDB put on the front thread (`await put` then `await env.flushed`, ids
 * above the seeded range), and `areas.create` through the real CommandBus → partition actor
 * (validation, one write transaction, fsync, outcome back), one at a time and 64 in flight.
 * Each create gets a fresh `external_ref`, so every call is a real insert, not a 409.
 */
export function writeTasks(store: Store, bus: CommandBus, area: Area, args: AreaCreate): MicroTask[] {
  let putId = 10_000_000;
  let ref = 0;
  const put = () => store.areas.put(putId++, area);
  const flushed = () => store.env.flushed;
  const create = () => bus.execute('areas.create', { ...args, external_ref: `bench:${ref++}` }, { principal: 'anon' });
  return [
    { name: 'LMDB durable put (put + flushed), 1 in flight', fn: async () => { await put(); await flushed(); } },
    inFlight('LMDB durable put (put + flushed), 64 in flight', 64, put, flushed),
    { name: 'bus.execute(areas.create) durable, 1 in flight', fn: create },
    inFlight('bus.execute(areas.create) durable, 64 in flight', 64, create),
  ];
}
