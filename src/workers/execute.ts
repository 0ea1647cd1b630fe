import type { CommandEnvelope, CommandOutcome } from '../core/commands.ts';
import { Problem } from '../core/errors.ts';
import type { Store } from '../store/store.ts';
import type { Handler } from './handlers/index.ts';
import type { BookingRules } from './handlers/types.ts';

/** Called with a handler's unexpected error (a bug), before it is answered as a 500. */
export type BugReporter = (cmd: CommandEnvelope, err: unknown) => void;

/**
 * Runs one command's handler inside the batch's write transaction, in its own LMDB child transaction
 * (`env.childTransaction`, a nested transaction: MDB_txn with a parent): whatever the handler throws —
 * a `Problem` (a refusal) or any other error (a bug, answered 500 for this command only) — every write
 * it made is rolled back and the rest of the batch commits untouched. So a handler that fails half-way
 * never leaves a partial write behind (test/unit/execute.test.ts injects such a fault).
 * Must be called inside `env.transaction(() => …)`.
 */
export function executeCommand(store: Store, handler: Handler<never>, cmd: CommandEnvelope, now: number, rules: BookingRules, onBug: BugReporter): CommandOutcome {
  try {
    // lmdb-js runs a child transaction at once when called inside a transaction callback and returns
    // the callback's value (its typings say Promise), throwing the callback's error synchronously.
    const { value, events } = store.env.childTransaction(() =>
      handler(store, cmd.args as never, now, { caller: cmd.caller, newId: cmd.newId, rules })) as unknown as ReturnType<Handler<never>>;
    return { ok: true, value, events };
  } catch (err) {
    if (err instanceof Problem) return { ok: false, problem: err.toJSON() };
    onBug(cmd, err);
    return { ok: false, problem: new Problem(500, 'internal', 'Internal server error', 'The command failed; the error was logged.').toJSON() };
  }
}
