/**
 * Bench-only Piscina worker (bench/micro/threads.ts): the cost of crossing to a thread and back,
 * without the LMDB write of the real actor. Each `via*` export is one way of carrying a command
 * envelope (or a batch: an array of them, as CommandBatcher sends) in and its outcome(s) out;
 * `readArea` is the "read in a worker" alternative.
 */
import { workerData } from 'node:worker_threads';
import { move } from 'piscina';
import { packBytes, unpackBytes } from '../../src/core/codec.ts';
import type { CommandEnvelope, CommandOutcome } from '../../src/core/commands.ts';
import { openStore } from '../../src/store/store.ts';

const store = openStore((workerData as { dataDir: string }).dataDir);
const at = new Date(0).toISOString();

type Task = CommandEnvelope | CommandEnvelope[];

/** The outcome the actor would answer for an `areas.create` envelope. */
function outcomeOf(cmd: CommandEnvelope): CommandOutcome {
  const area = { id: 1, ...(cmd.args as object), created_at: at, updated_at: at };
  return { ok: true, value: area, events: [{ topic: 'areas', event: 'area.created', data: area }] };
}

/** One outcome per envelope of `task`. */
const answer = (task: Task): CommandOutcome | CommandOutcome[] => (Array.isArray(task) ? task.map(outcomeOf) : outcomeOf(task));

/** Empty round trip: the value comes back as sent. */
export const noop = (x: unknown): unknown => x;
/** Envelopes and outcomes as plain objects (structured clone both ways). */
export const viaClone = (task: Task): unknown => answer(task);
/** Envelopes and outcomes as msgpackr bytes, transferred (what CommandBatcher and the actor do). */
export const viaMsgpack = (task: Uint8Array): unknown => move(packBytes(answer(unpackBytes<Task>(task))));
/** Envelopes and outcomes as JSON text. */
export const viaJson = (task: string): string => JSON.stringify(answer(JSON.parse(task) as Task));
/** One area read in the worker: LMDB get + JSON.stringify, the string sent back. */
export const readArea = (id: number): string | undefined => {
  const area = store.areas.get(id);
  return area === undefined ? undefined : JSON.stringify(area);
};
