/**
 * Partition actor: the Piscina worker that runs commands for one partition.
 * Each partition is a pool of exactly one thread, so commands on one key run in order here.
 * Several tasks are in flight at once (`concurrentTasksPerWorker`) so LMDB can group their commits.
 */
import { workerData } from 'node:worker_threads';
import { move } from 'piscina';
import type { CommandEnvelope, CommandOutcome } from '../core/commands.ts';
import { packBytes, unpackBytes } from '../core/codec.ts';
import { ActorMetrics } from '../metrics/actor.ts';
import { openStore } from '../store/store.ts';
import { handlers, type Handler } from './handlers/index.ts';
import type { BookingRules } from './handlers/types.ts';
import { executeCommand } from './execute.ts';
import { runIdempotent } from './idempotency.ts';
import { scheduleSweeps } from './sweeps.ts';

/** Data the front thread hands each actor at start. */
export interface ActorData {
  dataDir: string;
  partition: number;
  /** How long partition 0 waits between two sweeps of dead sessions and expired idempotency records, ms (0: never). */
  sweepEveryMs: number;
  /** Records a sweep examines per write transaction. */
  sweepBatch: number;
  /** Booking deadlines (BOOKING_HOLD_MS, BOOKING_TTL_MS). */
  bookingRules: BookingRules;
}

const data = workerData as ActorData;
const store = openStore(data.dataDir);
const metrics = new ActorMetrics(data.partition);

const reportBug = (cmd: CommandEnvelope, err: unknown): void => {
  process.stderr.write(`${JSON.stringify({ level: 50, msg: 'command handler failed', command: cmd.name, partition: data.partition, err: String((err as Error)?.stack ?? err) })}\n`);
};
const execute = (cmd: CommandEnvelope, now: number): CommandOutcome =>
  executeCommand(store, handlers[cmd.name] as Handler<never>, cmd, now, data.bookingRules, reportBug);

/**
 * Runs a batch of commands (msgpack `CommandEnvelope[]`, in arrival order) and answers their
 * msgpack `CommandOutcome[]`, in the same order.
 *
 * The whole batch — each handler (in its own child transaction, see execute.ts) with its idempotency
 * check and record — runs in one LMDB write transaction (one commit; each command's answer is its own) (`env.transaction`: serialised with every other writer of the environment, in all
 * threads). The reply is sent only after `env.flushed`: with `overlappingSync` (lmdb-js default on
 * Linux, with `noSync`/`noMetaSync` off) the commit promise means "committed and visible",
 * `flushed` means "fsynced to disk" — the meaning of a 2xx in sortie.
 */
export default async function run(task: Uint8Array): Promise<unknown> {
  const start = performance.now();
  const cmds = unpackBytes<CommandEnvelope[]>(task);
  const outcomes = await store.env.transaction(() => {
    const now = Date.now();
    return cmds.map((cmd) => runIdempotent(store, cmd, now, () => execute(cmd, now)));
  });
  await store.env.flushed;
  outcomes.forEach((o, i) => metrics.observe((cmds[i] as CommandEnvelope).name, o.replayed === true ? 'replayed' : o.ok ? 'ok' : 'refused', start));
  return move(packBytes(outcomes));
}

/** Piscina task `ready`: answers once this actor has loaded (its store is open). */
export function ready(): boolean {
  return true;
}

/** Piscina task `actorMetrics`: this actor's prom-client series as JSON. */
export function actorMetrics(): Promise<unknown> {
  return metrics.snapshot();
}

if (data.partition === 0 && data.sweepEveryMs > 0) {
  scheduleSweeps(store, data.sweepEveryMs, data.sweepBatch, (kind, n) => metrics.sweptRecords(kind, n),
    (err) => process.stderr.write(`${JSON.stringify({ level: 50, msg: 'sweep failed', partition: data.partition, err: String((err as Error)?.stack ?? err) })}\n`));
}
