import type { Database, Key } from 'lmdb';
import type { SessionRecord } from '../core/schemas/sessions.ts';
import type { IdempotencyRecord, Store } from '../store/store.ts';
import { dropSession, sessionDead } from './handlers/sessions.ts';
import { idempotencyExpired } from './idempotency.ts';

/** What a sweep removes: `sessions` (dead refresh sessions with their tokens), `idempotency` (expired records). */
export type SweepKind = 'sessions' | 'idempotency';

/** One table swept: which of its entries are dead at `now` (epoch ms), and how to remove one with what hangs off it. */
export interface SweepTable<K extends Key, V> {
  kind: SweepKind;
  db(store: Store): Database<V, K>;
  dead(value: V, now: number): boolean;
  /** Removes one dead entry; runs inside the tick's write transaction. */
  remove(store: Store, key: K, value: V): void;
}

/** Dead sessions (revoked or expired), each removed with its refresh tokens. */
export const SESSIONS: SweepTable<[string, string], SessionRecord> = {
  kind: 'sessions', db: (s) => s.sessions, dead: sessionDead, remove: (store, _key, session) => dropSession(store, session),
};

/** Idempotency records past their 24 h. */
export const IDEMPOTENCY: SweepTable<[string, string], IdempotencyRecord> = {
  kind: 'idempotency', db: (s) => s.idempotency, dead: idempotencyExpired, remove: (store, key) => { store.idempotency.remove(key); },
};

/** The outcome of one tick. */
export interface Tick<K> {
  /** Entries looked at (≤ the tick's limit). */
  examined: number;
  /** Dead entries removed among them. */
  removed: number;
  /** Key of the first entry not examined, to resume from; undefined once the table's end was reached. */
  next: K | undefined;
}

/**
 * One bounded step of a sweep: in one write transaction, examines at most `limit` entries of the table
 * in key order from `from` (inclusive; undefined: the first key) and removes the dead ones. Whether an
 * entry is dead is decided inside the transaction, so a live record is never removed, whatever commits
 * around the sweep. Each removal runs in a child transaction: one that throws leaves nothing half-removed,
 * and the tick rejects with its error.
 */
export function sweepTick<K extends Key, V>(store: Store, table: SweepTable<K, V>, from: K | undefined, limit: number, now: number): Promise<Tick<K>> {
  return store.env.transaction(() => {
    const db = table.db(store);
    const entries = [...db.getRange(from === undefined ? { limit: limit + 1 } : { start: from, limit: limit + 1 })];
    const batch = entries.slice(0, limit);
    let removed = 0;
    for (const { key, value } of batch) {
      if (!table.dead(value, now)) continue;
      // Its own child transaction: a removal that throws half-way (a session without its tokens) is
      // rolled back, where the async `transaction` would still commit its writes (see execute.ts).
      store.env.childTransaction(() => table.remove(store, key, value));
      removed++;
    }
    return { examined: batch.length, removed, next: entries[limit]?.key };
  });
}

/**
 * One pass over a table: ticks of at most `limit` entries, each its own write transaction (other writers
 * take the environment's write lock between two ticks), resuming from the last tick's cursor, until the
 * table's end. Never one transaction over the whole table.
 * @param onTick told the records each tick removed (for `sortie_swept_records_total`).
 * @param clock epoch ms, read once per tick.
 * @returns the records removed by the pass.
 */
export async function sweepPass<K extends Key, V>(store: Store, table: SweepTable<K, V>, limit: number,
  onTick: (removed: number) => void, clock: () => number = Date.now): Promise<number> {
  let total = 0;
  let from: K | undefined;
  do {
    const tick = await sweepTick(store, table, from, limit, clock());
    onTick(tick.removed);
    total += tick.removed;
    from = tick.next;
  } while (from !== undefined);
  return total;
}

/**
 * Delay of the first pass after start, ms, when shorter than the period: a server restarted more often
 * than IDEMPOTENCY_SWEEP_MS (frequent deploys, a crash loop) still sweeps, and the warm-up is not slowed.
 */
const FIRST_PASS_MS = 5_000;

/**
 * Sweeps sessions then idempotency records, one pass each, `everyMs` after the previous passes ended
 * (the first min(`everyMs`, FIRST_PASS_MS) after the call); passes never overlap. The timer does not
 * keep the thread alive.
 * @param onSwept told each tick's removals by kind; @param onError told a pass that failed (the next one runs as planned).
 */
export function scheduleSweeps(store: Store, everyMs: number, limit: number,
  onSwept: (kind: SweepKind, removed: number) => void, onError: (err: unknown) => void): void {
  const sweep = <K extends Key, V>(table: SweepTable<K, V>) => sweepPass(store, table, limit, (n) => onSwept(table.kind, n));
  const pass = async () => {
    await sweep(SESSIONS);
    await sweep(IDEMPOTENCY);
  };
  const next = (ms: number) => setTimeout(() => { pass().catch(onError).finally(() => next(everyMs)); }, ms).unref();
  next(Math.min(everyMs, FIRST_PASS_MS));
}
