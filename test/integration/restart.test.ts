/**
 * Durability across a restart: write over HTTP and WebSocket, stop with SIGTERM (exit 0), start a
 * new process on the same DATA_DIR and read everything back; ids keep growing and idempotency
 * records still answer.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { after, test } from 'node:test';
import { startServer, tempDataDir, type TestServer } from '../helpers/server.ts';
import { collectPages, expectJson, expectProblem, sendJson, type AreaJson } from '../helpers/http.ts';
import { WsClient } from '../helpers/ws-client.ts';

const dataDir = tempDataDir();
const running: TestServer[] = [];
after(async () => {
  for (const s of running) await s.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function start(): Promise<TestServer> {
  const s = await startServer({ DATA_DIR: dataDir }, true);
  running.push(s);
  assert.deepEqual(await expectJson(await fetch(`${s.url}/health`), 200), { status: 'ok' });
  return s;
}
const post = (s: TestServer, body: unknown, headers?: Record<string, string>) => sendJson(`${s.url}/areas`, 'POST', body, headers);

test('everything acknowledged before and during SIGTERM is there after a restart; ids are never reused', async () => {
  const type = `restart-${randomUUID()}`;
  const key = randomUUID();
  const first = await start();

  // Writes of every kind, over both transports.
  const created: AreaJson[] = [];
  for (let i = 0; i < 8; i++) created.push(await expectJson<AreaJson>(await post(first, { name: `area ${i}`, type, population: i * 1000 }), 201));
  const keyed = await expectJson<AreaJson>(await post(first, { name: 'keyed', type }, { 'idempotency-key': key }), 201);
  const ws = await WsClient.connect(first.url);
  const viaWs = await ws.request({ id: 1, op: 'command', name: 'areas.create', args: { name: 'via ws', type, country: 'FR', location: { lat: 1.5, lng: -2.25 } } });
  assert.equal(viaWs.ok, true);
  ws.close();
  const wsArea = (viaWs as { result: AreaJson }).result;
  const renamed = await expectJson<AreaJson>(await sendJson(`${first.url}/areas/${created[1]!.id}`, 'PATCH', { name: 'renamed' }), 200);
  const stripped = await expectJson<AreaJson>(await sendJson(`${first.url}/areas/${created[2]!.id}`, 'PATCH', { population: null }), 200);
  assert.equal((await fetch(`${first.url}/areas/${created[3]!.id}`, { method: 'DELETE' })).status, 204);
  assert.equal((await fetch(`${first.url}/areas/${wsArea.id}`, { method: 'DELETE' })).status, 204, 'delete the highest id');
  const highest = wsArea.id;

  const expected = [created[0], renamed, stripped, ...created.slice(4), keyed].map((a) => a as AreaJson);
  const before = (await collectPages<AreaJson>(`${first.url}/areas?type=${type}&limit=3`)).items;
  assert.deepEqual(before, expected);

  // SIGTERM while 200 more creates are on their way (sent once 10 have been answered): every one acknowledged must survive.
  const inflightType = `inflight-${randomUUID()}`;
  let answered = 0;
  let tenAnswered: () => void = () => undefined;
  const signalAt = new Promise<void>((resolve) => { tenAnswered = resolve; });
  const attempts = Array.from({ length: 200 }, (_, i) => post(first, { name: `n${i}`, type: inflightType }).then(
    async (res) => (res.status === 201 ? ((await res.json()) as AreaJson) : (await res.text(), undefined)),
    () => undefined,
  ).finally(() => { if (++answered === 10) tenAnswered(); }));
  await signalAt;
  const exitCode = first.stop('SIGTERM');
  const acknowledged = (await Promise.all(attempts)).filter((a): a is AreaJson => a !== undefined);
  assert.equal(await exitCode, 0, 'SIGTERM exits 0');
  assert.ok(first.logs.some((l) => l.msg === 'sortie stopped'), 'the shutdown completed (actors and LMDB closed)');

  const second = await start();
  assert.deepEqual((await collectPages<AreaJson>(`${second.url}/areas?type=${type}&limit=3`)).items, expected);
  for (const a of expected) assert.deepEqual(await expectJson(await fetch(`${second.url}/areas/${a.id}`), 200), a);
  await expectProblem(await fetch(`${second.url}/areas/${created[3]!.id}`), 404);
  await expectProblem(await fetch(`${second.url}/areas/${highest}`), 404);
  const stored = new Map((await collectPages<AreaJson>(`${second.url}/areas?type=${inflightType}&limit=1000`)).items.map((a) => [a.id, a]));
  for (const a of acknowledged) assert.deepEqual(stored.get(a.id), a, `acknowledged area ${a.id} is on disk`);

  const fresh = await expectJson<AreaJson>(await post(second, { name: 'after restart', type }), 201);
  const everGiven = Math.max(highest, ...stored.keys());
  assert.ok(fresh.id > everGiven, `id ${fresh.id} after restart must exceed every id ever given (${everGiven})`);

  const replay = await post(second, { name: 'keyed', type }, { 'idempotency-key': key });
  assert.deepEqual(await expectJson(replay, 201), keyed, 'the idempotency record survived the restart');
  assert.equal(replay.headers.get('idempotent-replayed'), 'true');
  await expectProblem(await post(second, { name: 'other', type }, { 'idempotency-key': key }), 409);

  assert.equal(await second.stop('SIGINT'), 0, 'SIGINT exits 0 too');
});

