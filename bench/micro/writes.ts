import type { Area, AreaCreate } from '../../src/core/schemas/areas.ts';
import type { Store } from '../../src/store/store.ts';
import type { CommandBus } from '../../src/workers/command-bus.ts';
import type { CommandEnvelope } from '../../src/core/commands.ts';
import { BOOKING_DEFAULTS } from '../../src/core/schemas/bookings.ts';
import { executeCommand } from '../../src/workers/execute.ts';
import { createArea } from '../../src/workers/handlers/areas.ts';
import type { Handler } from '../../src/workers/handlers/index.ts';
import { amortized, inFlight, type MicroTask } from './harness.ts';

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
  /** 64 creates in one durable write transaction, as an actor runs a batch: each in its own child transaction, or plain calls. */
  const batch = (child: boolean) => async () => {
    const now = Date.now();
    await store.env.transaction(() => {
      for (let i = 0; i < 64; i++) {
        const cmd: CommandEnvelope = { name: 'areas.create', args: { ...args, external_ref: `batch:${ref++}` }, principal: 'anon' };
        if (child) executeCommand(store, createArea as Handler<never>, cmd, now, BOOKING_DEFAULTS, () => undefined);
        else createArea(store, cmd.args as AreaCreate, now);
      }
    });
    await store.env.flushed;
  };
  return [
    amortized('areas.create × 64 in one durable transaction, each in a child transaction (executeCommand)', 64, batch(true)),
    amortized('areas.create × 64 in one durable transaction, plain handler calls (no child transaction)', 64, batch(false)),
    { name: 'LMDB durable put (put + flushed), 1 in flight', fn: async () => { await put(); await flushed(); } },
    inFlight('LMDB durable put (put + flushed), 64 in flight', 64, put, flushed),
    { name: 'bus.execute(areas.create) durable, 1 in flight', fn: create },
    inFlight('bus.execute(areas.create) durable, 64 in flight', 64, create),
  ];
}
