import type { BackupResult } from '../http/admin/backup.ts';
import { assertReadable, LAYOUT_KEY } from './layout.ts';
import { MIGRATIONS } from './migrations/index.ts';
import type { Migration } from './migrations/migration.ts';
import type { Store } from './store.ts';

/** Where `migrateStore` reports each step (a pino Logger fits). */
export interface MigrationLog {
  info(fields: Record<string, unknown>, msg: string): void;
}

/** What `migrateStore` needs besides the store. */
export interface MigrateOptions {
  log: MigrationLog;
  /** Takes a backup of the store (the admin backup, `Backups.take`); called once, before the first step. */
  backup(): Promise<BackupResult>;
  /** The steps (default MIGRATIONS; tests inject failing ones). The target layout is `steps.length + 1`. */
  steps?: readonly Migration[];
}

/**
 * Brings the store to the layout of this build, at start, before any actor writes:
 * - empty store: stamped with the current layout;
 * - older layout: a backup first (its path logged), then each step from → from + 1 in its own write
 *   transaction, which also stamps the new version; each step is logged (from, to, records, ms);
 * - current layout: nothing.
 * A failing step's transaction aborts: the store keeps the layout (and data) of the last step that
 * committed; the error is rethrown. Steps run in `transactionSync` (abortable: lmdb-js commits the
 * batch of an async `transaction` whose callback throws) and block the event loop while they run;
 * the fsync is awaited after each.
 * @throws StoreLayoutError when the store is newer than this build; whatever a step or the backup throws.
 */
export async function migrateStore(store: Store, o: MigrateOptions): Promise<void> {
  const steps = o.steps ?? MIGRATIONS;
  const target = steps.length + 1;
  const found = assertReadable(store, target);
  if (found === target) return;
  if (found === undefined) {
    store.env.transactionSync(() => store.meta.put(LAYOUT_KEY, target));
    await store.env.flushed;
    o.log.info({ layout: target }, 'new store stamped with its layout version');
    return;
  }
  const backup = await o.backup();
  o.log.info({ path: backup.path, bytes: backup.bytes, layout: found }, 'store backed up before migrating');
  for (let from = found; from < target; from++) {
    const step = steps[from - 1];
    if (step?.from !== from) throw new Error(`no migration step from layout ${from}`);
    const started = performance.now();
    const records = store.env.transactionSync(() => {
      const touched = step.run(store);
      store.meta.put(LAYOUT_KEY, from + 1);
      return touched;
    });
    await store.env.flushed;
    o.log.info({ from, to: from + 1, records, ms: Math.round(performance.now() - started) }, `store migrated: ${step.summary}`);
  }
}
