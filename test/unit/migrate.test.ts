/**
 * store/migrate: on a copy of the layout-1 fixture, a failing step leaves the store exactly as it
 * was (its transaction aborts) after the automatic backup; steps that succeed commit one by one;
 * an empty store is stamped without a backup; a newer store is refused naming both versions.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, test } from 'node:test';
import { Backups } from '../../src/http/admin/backup.ts';
import { createLogger } from '../../src/log.ts';
import { LAYOUT_KEY, StoreLayoutError, assertReadable, layoutOf } from '../../src/store/layout.ts';
import { migrateStore } from '../../src/store/migrate.ts';
import { LAYOUT_VERSION, MIGRATIONS } from '../../src/store/migrations/index.ts';
import type { Migration } from '../../src/store/migrations/migration.ts';
import { v1ToV2 } from '../../src/store/migrations/v1-to-v2.ts';
import { openStore, type Store } from '../../src/store/store.ts';
import { USERS } from '../fixtures/store-v1/content.ts';
import { storeV1Copy } from '../helpers/store-fixture.ts';

const log = createLogger('silent');
const opened: { store: Store; dir: string }[] = [];
afterEach(async () => {
  for (const { store, dir } of opened.splice(0)) {
    await store.env.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

/** A store in a fresh temp dir: a copy of the layout-1 fixture, or empty. */
function tempStore(fromFixture: boolean): { store: Store; dir: string; backups: string[]; backup: () => ReturnType<Backups['take']> } {
  const dir = mkdtempSync(join(tmpdir(), 'sortie-migrate-'));
  if (fromFixture) storeV1Copy(dir);
  const store = openStore(dir);
  opened.push({ store, dir });
  const backups: string[] = [];
  const real = new Backups(store, dir);
  return { store, dir, backups, backup: async () => { const r = await real.take(); backups.push(r.path); return r; } };
}

const bob = USERS[1].id;
/** A step that does its work, then fails. */
const failing = (from: number): Migration => ({ from, summary: 'fails', run(store) { v1ToV2.run(store); store.meta.put('scratch', 1); throw new Error('injected failure'); } });

test('the registry runs from layout 1 to LAYOUT_VERSION without gaps', () => {
  MIGRATIONS.forEach((m, i) => assert.equal(m.from, i + 1));
  assert.equal(LAYOUT_VERSION, MIGRATIONS.length + 1);
});

test('a failing step aborts: the store keeps its data and layout, the backup was taken first', async () => {
  const { store, backup, backups } = tempStore(true);
  await assert.rejects(migrateStore(store, { log, backup, steps: [failing(1)] }), /injected failure/);
  assert.equal(backups.length, 1);
  assert.ok(existsSync(backups[0] as string));
  assert.equal(store.meta.get(LAYOUT_KEY), undefined, 'still unstamped');
  assert.equal(store.meta.get('scratch'), undefined);
  assert.equal(store.users.get(bob)?.role, 'partner', 'the step\'s write was rolled back');
  assert.equal(layoutOf(store), 1);
});

test('steps commit one by one: a failure at 2 → 3 keeps layout 2', async () => {
  const { store, backup, backups } = tempStore(true);
  await assert.rejects(migrateStore(store, { log, backup, steps: [v1ToV2, failing(2)] }), /injected failure/);
  assert.equal(backups.length, 1, 'one backup, before the first step');
  assert.equal(store.meta.get(LAYOUT_KEY), 2);
  assert.equal(store.users.get(bob)?.role, 'user');
});

test('the real migration brings the fixture to LAYOUT_VERSION; a second run does nothing', async () => {
  const { store, backup, backups } = tempStore(true);
  await migrateStore(store, { log, backup });
  assert.equal(store.meta.get(LAYOUT_KEY), LAYOUT_VERSION);
  assert.deepEqual(USERS.map((u) => store.users.get(u.id)?.role), ['user', 'user']);
  await migrateStore(store, { log, backup });
  assert.equal(backups.length, 1);
});

test('an empty store is stamped with the current layout, without a backup', async () => {
  const { store, backup, backups } = tempStore(false);
  assert.equal(layoutOf(store), undefined);
  await migrateStore(store, { log, backup });
  assert.equal(store.meta.get(LAYOUT_KEY), LAYOUT_VERSION);
  assert.equal(backups.length, 0);
});

test('a store of a newer layout is refused, naming both versions', async () => {
  const { store, backup, backups } = tempStore(false);
  await store.env.transaction(() => store.meta.put(LAYOUT_KEY, LAYOUT_VERSION + 1));
  assert.throws(() => assertReadable(store), (err: unknown) => err instanceof StoreLayoutError
    && err.message.includes(`layout version ${LAYOUT_VERSION + 1}`) && err.message.includes(`layout version ${LAYOUT_VERSION} at most`));
  await assert.rejects(migrateStore(store, { log, backup }), StoreLayoutError);
  assert.equal(backups.length, 0);
});
