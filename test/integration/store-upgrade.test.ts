/**
 * Upgrades (README, "Upgrades and migrations"): the real server started on a copy of the layout-1
 * fixture backs it up, migrates it to the current layout, logs each step, and serves every record
 * of it over HTTP; check:store then finds every index consistent; a restart migrates nothing.
 * A store stamped with a newer layout is refused (exit 2, both versions named, no stack trace).
 */
import assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { LAYOUT_VERSION } from '../../src/store/migrations/index.ts';
import { AREAS, PASSWORD, REFRESH_TOKEN, USERS } from '../fixtures/store-v1/content.ts';
import { bearer, type TokenPairJson, type UserJson } from '../helpers/auth.ts';
import { runCliStatus } from '../helpers/cli.ts';
import { expectJson, sendJson } from '../helpers/http.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { stampLayout, storeV1Copy } from '../helpers/store-fixture.ts';

const dirs: string[] = [];
const running: TestServer[] = [];
after(async () => {
  for (const s of running) await s.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A temp DATA_DIR holding a copy of the layout-1 fixture, removed after the file's tests. */
function fixtureCopy(): string {
  const dir = storeV1Copy();
  dirs.push(dir);
  return dir;
}

async function start(dataDir: string): Promise<TestServer> {
  const s = await startServer({ DATA_DIR: dataDir }, true);
  running.push(s);
  return s;
}

/** `check:store` on `dataDir`: exit code and output (stdout then stderr). */
const checkStore = async (dataDir: string) => {
  const { code, stdout, stderr } = await runCliStatus('src/cli/check-store.ts', { DATA_DIR: dataDir });
  return { code, out: stdout + stderr };
};

test('a layout-1 store is backed up, migrated step by step and served whole; its indexes check clean', async () => {
  const dataDir = fixtureCopy();
  const refused = await checkStore(dataDir);
  assert.equal(refused.code, 2, 'check:store refuses a store of another layout');
  assert.match(refused.out, /layout version 1; this build checks layout version 2/);

  const s = await start(dataDir);
  const backedUp = s.logs.find((l) => l.msg === 'store backed up before migrating');
  assert.ok(backedUp !== undefined && existsSync(backedUp.path as string), 'the backup is written where the log says');
  assert.match(backedUp.path as string, new RegExp(`^${dataDir}/backups/[^/]+/sortie\\.mdb$`));
  const steps = s.logs.filter((l) => String(l.msg).startsWith('store migrated'));
  assert.deepEqual(steps.map((l) => [l.from, l.to, l.records]), [[1, 2, 1]], 'one step, one account rewritten');
  assert.equal(typeof steps[0]?.ms, 'number');
  assert.ok(s.logs.indexOf(backedUp) < s.logs.indexOf(steps[0] as Record<string, unknown>), 'the backup comes before the first step');

  for (const a of AREAS) assert.deepEqual(await expectJson(await fetch(`${s.url}/areas/${a.id}`), 200), a);
  assert.deepEqual((await expectJson<{ id: number }[]>(await fetch(`${s.url}/areas?type=city`), 200)).map((a) => a.id), [1, 2], 'areas_by_type serves');
  for (const u of USERS) {
    const pair = await expectJson<TokenPairJson>(await sendJson(`${s.url}/auth/login`, 'POST', { email: u.email, password: PASSWORD }), 200);
    const me = await expectJson<UserJson & { memberships: unknown[] }>(await fetch(`${s.url}/me`, { headers: bearer(pair.access_token) }), 200);
    const { role: _role, ...stored } = u;
    assert.deepEqual({ ...me, memberships: undefined }, { ...stored, role: 'user', memberships: undefined }, `${u.email} reads back, role user`);
    assert.deepEqual(me.memberships, []);
  }
  const refreshed = await expectJson<TokenPairJson>(await sendJson(`${s.url}/auth/refresh`, 'POST', { refresh_token: REFRESH_TOKEN }), 200);
  assert.equal(refreshed.user.id, USERS[0].id, 'the stored session and refresh token still work');
  const created = await expectJson<{ id: number }>(await sendJson(`${s.url}/areas`, 'POST', { name: 'Nice', type: 'city' }), 201);
  assert.equal(created.id, AREAS.length + 1, 'the area counter in meta carried over');
  assert.equal(await s.stop(), 0);

  const checked = await checkStore(dataDir);
  assert.equal(checked.code, 0, checked.out);
  assert.match(checked.out, /\(layout 2\) is consistent: 19 indexes/);

  const again = await start(dataDir);
  assert.equal(again.logs.some((l) => String(l.msg).startsWith('store ')), false, 'nothing to back up or migrate');
  assert.equal((await expectJson<{ name: string }>(await fetch(`${again.url}/areas/${created.id}`), 200)).name, 'Nice');
  assert.equal(await again.stop(), 0);
});

test('a store of a newer layout is refused: exit 2, both versions named, no stack trace, nothing written', async () => {
  const dataDir = fixtureCopy();
  await stampLayout(dataDir, LAYOUT_VERSION + 1);
  const err = await startServer({ DATA_DIR: dataDir }, true).then(() => assert.fail('the server started'), (e: Error) => e);
  assert.match(err.message, /exited with 2/);
  assert.match(err.message, new RegExp(`sortie: The store has layout version ${LAYOUT_VERSION + 1}, written by a newer sortie; this build reads layout version ${LAYOUT_VERSION} at most`));
  assert.doesNotMatch(err.message, /\n\s+at /, 'no stack trace');
  assert.equal(existsSync(join(dataDir, 'backups')), false);
});
