import { Piscina } from 'piscina';
import { packBytes, unpackBytes } from '../../src/core/codec.ts';
import type { CommandEnvelope } from '../../src/core/commands.ts';
import type { AreaCreate } from '../../src/core/schemas/areas.ts';
import type { Fixture } from './fixture.ts';
import { amortized, inFlight, type MicroTask } from './harness.ts';

/**
 * A one-thread pool on bench/micro/echo-worker.ts with the options of src/workers/partitions.ts
 * (one thread kept alive, `atomics: 'disabled'`, no task timing, 128 tasks in flight, queue 10,000).
 */
export function echoPool(dataDir: string): Piscina {
  return new Piscina({
    filename: new URL('./echo-worker.ts', import.meta.url).href,
    // Piscina loads the pool's default task at thread start; echo-worker.ts has no default export.
    name: 'noop',
    recordTiming: false,
    minThreads: 1,
    maxThreads: 1,
    idleTimeout: Infinity,
    atomics: 'disabled',
    concurrentTasksPerWorker: 128,
    maxQueue: 10_000,
    workerData: { dataDir },
  });
}

/** Both ways of each task: one at a time, and 64 in flight (per-operation cost). */
function oneAnd64(name: string, op: () => Promise<unknown>): MicroTask[] {
  return [
    { name: `${name}, 1 in flight`, fn: op },
    inFlight(`${name}, 64 in flight`, 64, op),
  ];
}

type Task = CommandEnvelope | CommandEnvelope[];

/** Ways to carry envelopes to echo-worker.ts and outcomes back, each decoded on arrival. */
function carriers(pool: Piscina): [string, (task: Task) => Promise<unknown>][] {
  return [
    ['structured clone', (task) => pool.run(task, { name: 'viaClone' })],
    ['msgpackr + transfer', async (task) => {
      const bytes = packBytes(task);
      return unpackBytes(await pool.run(bytes, { name: 'viaMsgpack', transferList: [bytes.buffer as ArrayBuffer] }) as Uint8Array);
    }],
    ['JSON text', async (task) => JSON.parse(await pool.run(JSON.stringify(task), { name: 'viaJson' }) as string)],
  ];
}

/**
 * Main → worker → main round trips: empty; `areas.create` envelopes out and outcomes back, carried
 * as structured clone, msgpackr bytes (transferred) or JSON text, one per task or 64 per task (as
 * CommandBatcher groups them; cost per command); and one area read in the worker (the alternative
 * to reading LMDB on the front thread).
 */
export function threadTasks(pool: Piscina, fx: Fixture, args: AreaCreate): MicroTask[] {
  const envelope: CommandEnvelope = { name: 'areas.create', args, principal: 'anon' };
  // Distinct objects: structured clone would encode one object referenced 64 times only once.
  const batch = Array.from({ length: 64 }, (_, i): CommandEnvelope => ({ ...envelope, args: { ...args, external_ref: `bench:${i}` } }));
  return [
    ...oneAnd64('Piscina round trip, empty', () => pool.run(0, { name: 'noop' })),
    ...carriers(pool).flatMap(([how, carry]) => [
      ...oneAnd64(`Piscina create envelope→outcome, ${how}`, () => carry(envelope)),
      amortized(`Piscina create batch of 64 in 1 task, ${how}`, 64, () => carry(batch)),
    ]),
    ...oneAnd64('read 1 area in a worker (LMDB get + stringify there)', () => pool.run(fx.randomId(), { name: 'readArea' })),
  ];
}
