import { createHash } from 'node:crypto';
import stableStringify from 'safe-stable-stringify';
import { commands, type CommandEnvelope, type CommandOutcome, type CommandSpec } from '../core/commands.ts';
import { packBytes, unpackBytes } from '../core/codec.ts';
import { problems } from '../core/errors.ts';
import { LIMITS } from '../core/schemas/common.ts';
import type { IdempotencyRecord, Store } from '../store/store.ts';

/**
 * SHA-256 of command name and args with object members in sorted order: what "the same body"
 * means for an idempotency key (JSON objects are unordered, RFC 8259 §4).
 */
function fingerprint(cmd: CommandEnvelope): string {
  return createHash('sha256').update(cmd.name).update('\u0000').update(stableStringify(cmd.args) ?? '').digest('hex');
}

/**
 * Runs `execute` at most once per (principal, Idempotency-Key) within LIMITS.idempotencyTtlMs
 * (draft-ietf-httpapi-idempotency-key-header). Must be called inside the write transaction, so
 * the check and the record commit atomically with the command's own writes.
 *
 * - no key, or a command that erases its caller (`erasesCaller`): runs `execute`, keeps nothing;
 * - first use: runs `execute` and stores its outcome;
 * - same key, same command and args: returns the stored outcome (`replayed: true`, no events);
 * - same key, other args: a 409 `idempotency-key-reuse` outcome.
 */
export function runIdempotent(store: Store, cmd: CommandEnvelope, now: number, execute: () => CommandOutcome): CommandOutcome {
  if (cmd.idempotencyKey === undefined || (commands[cmd.name] as CommandSpec).erasesCaller === true) return execute();
  const key: [string, string] = [cmd.principal, cmd.idempotencyKey];
  const fp = fingerprint(cmd);
  const prior = store.idempotency.get(key);
  if (prior !== undefined && !idempotencyExpired(prior, now)) {
    if (prior.fingerprint !== fp)
      return {
        ok: false,
        problem: problems.conflict('idempotency-key-reuse',
          'This Idempotency-Key was already used with another request body.').toJSON(),
      };
    const first = unpackBytes<CommandOutcome>(prior.outcome);
    return first.ok ? { ...first, events: [], replayed: true } : { ...first, replayed: true };
  }
  const outcome = execute();
  // A 5xx is our failure, not an answer: a retry with the same key runs the command again.
  if (outcome.ok || outcome.problem.status < 500)
    store.idempotency.put(key, { fingerprint: fp, created_at: now, outcome: packBytes(outcome) });
  return outcome;
}

/** True when `rec` no longer answers at `now` (epoch ms): older than LIMITS.idempotencyTtlMs (24 h); the sweep removes it. */
export function idempotencyExpired(rec: IdempotencyRecord, now: number): boolean {
  return rec.created_at + LIMITS.idempotencyTtlMs <= now;
}
