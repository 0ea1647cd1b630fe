import { createHash } from 'node:crypto';
import stableStringify from 'safe-stable-stringify';
import { commands, type CommandEnvelope, type CommandOutcome, type CommandSpec } from '../core/commands.ts';
import { packBytes, unpackBytes } from '../core/codec.ts';
import { problems } from '../core/errors.ts';
import { LIMITS } from '../core/schemas/common.ts';
import type { Store } from '../store/store.ts';

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
  if (prior !== undefined && prior.created_at + LIMITS.idempotencyTtlMs > now) {
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

/**
 * Removes idempotency records older than the TTL. Scans the whole table: O(records).
 * @returns how many were removed.
 */
export async function sweepIdempotency(store: Store, now: number): Promise<number> {
  const expired: [string, string][] = [];
  for (const { key, value } of store.idempotency.getRange({ snapshot: false })) {
    if (value.created_at + LIMITS.idempotencyTtlMs <= now) expired.push(key);
  }
  await store.env.transaction(() => {
    for (const key of expired) {
      const rec = store.idempotency.get(key);
      if (rec !== undefined && rec.created_at + LIMITS.idempotencyTtlMs <= now) store.idempotency.remove(key);
    }
  });
  return expired.length;
}
