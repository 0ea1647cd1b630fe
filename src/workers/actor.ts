/**
 * Partition actor: the Piscina worker that runs commands for one partition.
 * Each partition is a pool of exactly one thread, so commands on one key run in order here.
 * Several tasks are in flight at once (`concurrentTasksPerWorker`) so LMDB can group their commits.
 */
import { workerData } from 'node:worker_threads';
import { move } from 'piscina';
import type { CommandEnvelope, CommandOutcome } from '../core/commands.ts';
import { packBytes, unpackBytes } from '../core/codec.ts';
import { Problem } from '../core/errors.ts';
import { ActorMetrics } from '../metrics/actor.ts';
import { openStore } from '../store/store.ts';
import { handlers, type Handler } from './handlers/index.ts';
import { runIdempotent, sweepIdempotency } from './idempotency.ts';

/** Data the front thread hands each actor at start. */
export interface ActorData {
  dataDir: string;
  partition: number;
  /** How often partition 0 sweeps expired idempotency records, ms. */
  sweepEveryMs: number;
}

const data = workerData as ActorData;
const store = openStore(data.dataDir);
const metrics = new ActorMetrics(data.partition);

/**
 * Runs one handler. A `Problem` is a refusal. Any other error is a bug: it answers 500 for this
 * command only, so the other commands of the batch (whose writes commit with the batch) still get
 * their true answers. lmdb-js does not roll back a throwing transaction callback, which is why
 * handlers do every check before their first write.
 */
function execute(cmd: CommandEnvelope, now: number): CommandOutcome {
  const handler = handlers[cmd.name] as Handler<typeof cmd.name>;
  try {
    const { value, events } = handler(store, cmd.args as never, now, { caller: cmd.caller, newId: cmd.newId });
    return { ok: true, value, events };
  } catch (err) {
    if (err instanceof Problem) return { ok: false, problem: err.toJSON() };
    process.stderr.write(`${JSON.stringify({ level: 50, msg: 'command handler failed', command: cmd.name, partition: data.partition, err: String((err as Error)?.stack ?? err) })}\n`);
    return { ok: false, problem: new Problem(500, 'internal', 'Internal server error', 'The command failed; the error was logged.').toJSON() };
  }
}

/**
 * Runs a batch of commands (msgpack `CommandEnvelope[]`, in arrival order) and answers their
 * msgpack `CommandOutcome[]`, in the same order.
 *
 * The whole batch — each handler with its idempotency check and record — runs in one LMDB write
 * transaction (one commit, not an all-or-nothing unit: each command's answer is its own) (`env.transaction`: serialised with every other writer of the environment, in all
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
  setInterval(() => {
    sweepIdempotency(store, Date.now()).catch((err: unknown) => process.stderr.write(`idempotency sweep failed: ${String(err)}\n`));
  }, data.sweepEveryMs).unref();
}
