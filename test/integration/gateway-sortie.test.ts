/**
 * The gateway in front of a second, real sortie: writes and reads forwarded through `/proxy/*`
 * (the upstream's own tokens pass through untouched), `/aggregate/areas` equal to the upstream's
 * `GET /areas`, and the local mode of a sortie without UPSTREAM_URL.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { expectJson, expectProblem, ISO_MS, sendJson, type AreaJson } from '../helpers/http.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

let upstream: TestServer;
let gw: TestServer;

before(async () => {
  upstream = await startServer();
  gw = await startServer({ UPSTREAM_URL: `${upstream.url}/`, AGGREGATE_MAX_ITEMS: '25', AGGREGATE_CACHE_TTL_MS: '0' });
});
after(async () => {
  await Promise.all([gw.dispose(), upstream.dispose()]);
  for (const s of [gw, upstream]) assert.deepEqual(s.logs.filter((l) => (l.level as number) >= 50), [], 'no error was logged');
});

interface Aggregate {
  items: AreaJson[];
  aggregated_at: string;
}

test('areas written, read, patched and deleted through /proxy/* land in the upstream', async () => {
  const created: AreaJson[] = [];
  for (let i = 0; i < 30; i++) created.push(await expectJson<AreaJson>(await sendJson(`${gw.url}/proxy/areas`, 'POST', { name: `via gateway ${i}`, type: 'city' }), 201));
  const direct = await expectJson<AreaJson>(await fetch(`${upstream.url}/areas/${created[0]?.id}`), 200);
  assert.deepEqual(direct, created[0]);
  const res = await fetch(`${gw.url}/proxy/areas/${created[0]?.id}`);
  assert.deepEqual(await expectJson<AreaJson>(res, 200), direct);
  const patched = await expectJson<AreaJson>(await sendJson(`${gw.url}/proxy/areas/${created[1]?.id}`, 'PATCH', { name: 'renamed' }), 200);
  assert.equal(patched.name, 'renamed');
  assert.equal((await fetch(`${gw.url}/proxy/areas/${created[29]?.id}`, { method: 'DELETE' })).status, 204);
  await expectProblem(await fetch(`${upstream.url}/areas/${created[29]?.id}`), 404);
  // The upstream's problems come back as they are.
  await expectProblem(await fetch(`${gw.url}/proxy/areas/abc`), 400, ['/id']);
  await expectProblem(await sendJson(`${gw.url}/proxy/areas`, 'POST', { name: '' }), 400, ['/name', '/type']);
  const page = await fetch(`${gw.url}/proxy/areas?limit=2`);
  assert.match(page.headers.get('link') ?? '', /^<\/areas\?after=\d+&limit=2>; rel="next"$/, 'Link is relayed');
  await page.arrayBuffer();
});

test('/aggregate/areas: the upstream\'s areas in id order, up to AGGREGATE_MAX_ITEMS', async () => {
  const all = await expectJson<AreaJson[]>(await fetch(`${upstream.url}/areas?limit=1000`), 200);
  assert.equal(all.length, 29);
  const agg = await expectJson<Aggregate>(await fetch(`${gw.url}/aggregate/areas`), 200);
  assert.deepEqual(agg.items, all.slice(0, 25));
  assert.match(agg.aggregated_at, ISO_MS);
});

test('the upstream\'s tokens pass through the gateway, which does not check them itself', async () => {
  const email = `gw-${randomUUID()}@example.com`;
  const reg = await expectJson<{ access_token: string }>(await sendJson(`${gw.url}/proxy/auth/register`, 'POST',
    { email, password: 'correct horse battery', first_name: 'Ada', last_name: 'Lovelace' }), 201);
  const auth = { authorization: `Bearer ${reg.access_token}` };
  const me = await expectJson<{ email: string }>(await fetch(`${gw.url}/proxy/me`, { headers: auth }), 200);
  assert.equal(me.email, email);
  await expectProblem(await fetch(`${gw.url}/me`, { headers: auth }), 401);
});

test('without UPSTREAM_URL: /aggregate/areas reads the local store (the items of GET /areas), /proxy/* is a 404 problem', async () => {
  const all = await expectJson<AreaJson[]>(await fetch(`${upstream.url}/areas?limit=1000`), 200);
  const agg = await expectJson<Aggregate>(await fetch(`${upstream.url}/aggregate/areas`), 200);
  assert.deepEqual(agg.items, all);
  assert.match(agg.aggregated_at, ISO_MS);
  const p = await expectProblem(await fetch(`${upstream.url}/proxy/areas/1`), 404);
  assert.match(p.detail ?? '', /UPSTREAM_URL/);
  await expectProblem(await sendJson(`${upstream.url}/proxy/areas`, 'POST', { name: 'x', type: 'y' }), 404);
  assert.equal((await fetch(`${upstream.url}/health`)).status, 200, 'the connection survives a refused body');
});
