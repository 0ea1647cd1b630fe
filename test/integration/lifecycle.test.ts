/**
 * Readiness and shutdown as `/health` shows them (README, "Operations"):
 * - starting: the server listens before it warms up (migration of a layout-1 store, actor threads,
 *   read side, deadlines); meanwhile `/health` answers 503 `starting` and every other route,
 *   the 404 fallback and the WebSocket upgrade answer 503 problem+json `starting`; then 200.
 * - stopping: after SIGTERM, a connection opened before it gets 503 `stopping` from `/health` and
 *   from writes, reads still answer, new connections are refused, and the command in flight
 *   (held by another process's LMDB write lock) is acknowledged before the exit (0).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { Client } from 'undici';
import { upgradeStatus } from '../helpers/auth.ts';
import { checkProblem, expectJson, expectProblem, sendJson } from '../helpers/http.ts';
import { startServer } from '../helpers/server.ts';
import { storeV1Copy } from '../helpers/store-fixture.ts';

const ROOT = new URL('../../', import.meta.url).pathname;

/** Waits until `cond` holds, polling every 20 ms. @throws after `ms`. */
async function until(cond: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('starting: listening at once, /health 503 starting and every other route 503 problem starting, then ready', async () => {
  const s = await startServer({ DATA_DIR: storeV1Copy() }, false, 'listening');
  try {
    const [health, read, write, unknown, ws] = await Promise.all([
      fetch(`${s.url}/health`), fetch(`${s.url}/areas/1`), sendJson(`${s.url}/areas`, 'POST', { name: 'n', type: 't' }), fetch(`${s.url}/nope`),
      upgradeStatus(s.url, ''),
    ]);
    assert.equal(s.logs.some((l) => l.msg === 'sortie ready'), false, 'answered before the warm-up ended');
    assert.deepEqual(await expectJson(health, 503), { status: 'starting' });
    for (const res of [read, write, unknown]) assert.match((await expectProblem(res, 503)).type, /\/starting$/);
    assert.equal(ws.status, 503);
    assert.match(checkProblem(ws.contentType, ws.body, 503).type, /\/starting$/);

    await until(async () => (await fetch(`${s.url}/health`)).status === 200, 60_000, '/health 200');
    await until(() => s.logs.some((l) => l.msg === 'sortie ready'), 10_000, 'the "sortie ready" log line');
    assert.equal((await expectJson<{ name: string }>(await fetch(`${s.url}/areas/1`), 200)).name, 'Paris');
    await expectProblem(await fetch(`${s.url}/nope`), 404);
  } finally {
    assert.equal(await s.stop(), 0);
    await s.dispose();
  }
});

test('stopping: an open connection gets 503 stopping from /health while a command in flight finishes', async () => {
  const s = await startServer();
  const conn = new Client(s.url, { pipelining: 1, keepAliveTimeout: 60_000, keepAliveMaxTimeout: 60_000 });
  const get = async (path: string) => { const r = await conn.request({ method: 'GET', path }); return { status: r.statusCode, body: await r.body.text() }; };
  const release = join(s.dataDir, 'release-lock');
  const lock = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/write-lock.ts', join(s.dataDir, 'sortie.mdb'), release], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    assert.deepEqual(await get('/health'), { status: 200, body: '{"status":"ok"}' });
    await new Promise<void>((resolve) => createInterface({ input: lock.stdout }).once('line', () => resolve()));
    const inFlight = sendJson(`${s.url}/areas`, 'POST', { name: 'in flight', type: 'lifecycle' });
    await new Promise((r) => setTimeout(r, 300));
    s.proc.kill('SIGTERM');
    await until(() => s.logs.some((l) => l.msg === 'shutting down'), 10_000, 'shutting down');

    assert.deepEqual(await get('/health'), { status: 503, body: '{"status":"stopping"}' });
    assert.equal((await get('/areas?type=lifecycle')).status, 200, 'reads still answer');
    // Last on this connection: a refused write with an unread body closes it.
    const refused = await conn.request({ method: 'POST', path: '/areas', headers: { 'content-type': 'application/json' }, body: '{"name":"late","type":"lifecycle"}' });
    assert.equal(refused.statusCode, 503);
    assert.match((JSON.parse(await refused.body.text()) as { type: string }).type, /\/stopping$/);
    await assert.rejects(fetch(`${s.url}/health`), 'no new connection is accepted');

    writeFileSync(release, '');
    assert.equal((await inFlight).status, 201, 'the command in flight is acknowledged');
    const code = s.proc.exitCode ?? (await once(s.proc, 'exit'))[0];
    assert.equal(code, 0, 'the first SIGTERM ends in a clean exit');
  } finally {
    lock.kill();
    await conn.close().catch(() => undefined);
    await s.dispose();
  }
});
