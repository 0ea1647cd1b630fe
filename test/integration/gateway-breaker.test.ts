/**
 * The gateway when the upstream misbehaves over time: `/aggregate/areas` following `Link` pages,
 * cached, served stale while the upstream hangs, resets or fails (within STALE_IF_ERROR_MS only),
 * the circuit breaker opening after consecutive failures (503 + Retry-After, no upstream traffic,
 * stale answers still served), half-opening and closing; and an upstream that refuses connections.
 * Steps run in order: they share the upstream's state and the gateway's clock.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { FAULT_AREAS, startFaultUpstream, type FaultUpstream } from '../helpers/fault-upstream.ts';
import { expectJson, expectProblem, ISO_MS } from '../helpers/http.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { freePort } from '../../bench/lib/processes.ts';

interface Aggregate {
  items: { id: number }[];
  aggregated_at: string;
}

const TTL_MS = 300;
const STALE_MS = 1500;
const HALF_OPEN_MS = 600;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let upstream: FaultUpstream;
let gw: TestServer;
let refused: TestServer;

before(async () => {
  upstream = await startFaultUpstream();
  const closedPort = await freePort();
  [gw, refused] = await Promise.all([
    startServer({
      UPSTREAM_URL: upstream.url, AGGREGATE_MAX_ITEMS: '5', AGGREGATE_CACHE_TTL_MS: String(TTL_MS), STALE_IF_ERROR_MS: String(STALE_MS),
      BREAKER_FAILURES: '3', BREAKER_HALF_OPEN_MS: String(HALF_OPEN_MS), UPSTREAM_TIMEOUT_MS: '300',
    }),
    startServer({ UPSTREAM_URL: `http://127.0.0.1:${closedPort}` }),
  ]);
});
after(async () => {
  await Promise.all([gw.dispose(), refused.dispose()]);
  await upstream.close();
});

const aggregate = () => fetch(`${gw.url}/aggregate/areas`);
const metric = async (server: TestServer, pattern: RegExp) => pattern.exec(await (await fetch(`${server.adminUrl}/metrics`)).text())?.[1];

describe('aggregate, stale-if-error and the circuit breaker', () => {
  let first: Aggregate;

  test('aggregate follows Link rel="next" up to AGGREGATE_MAX_ITEMS, then answers from memory with Age', async () => {
    const res = await aggregate();
    first = await expectJson<Aggregate>(res, 200);
    assert.deepEqual(first.items, FAULT_AREAS.slice(0, 5));
    assert.match(first.aggregated_at, ISO_MS);
    assert.deepEqual(upstream.received.filter((r) => r.url.startsWith('/areas')).map((r) => r.url),
      ['/areas?limit=5', '/areas?after=2&limit=2', '/areas?after=4&limit=2']);
    assert.match(upstream.received[0]?.headers.traceparent as string, /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    const again = await aggregate();
    assert.deepEqual(await expectJson<Aggregate>(again, 200), first);
    assert.equal(again.headers.get('age'), '0');
    assert.equal(upstream.count('/areas'), 3);
  });

  test('expired, the upstream hanging (timeout), resetting, then failing: the stale answer is served each time', async () => {
    await sleep(TTL_MS + 50);
    for (const mode of ['hang', 'reset', 'fail'] as const) {
      upstream.areasMode = mode;
      const before = upstream.count('/areas');
      const res = await aggregate();
      assert.deepEqual(await expectJson<Aggregate>(res, 200), first, mode);
      assert.notEqual(res.headers.get('age'), null);
      assert.equal(upstream.count('/areas'), before + 1, `${mode}: the upstream was asked`);
    }
  });

  test('after 3 consecutive failures the breaker is open: 503 + Retry-After, no upstream traffic, stale still served', async () => {
    const before = upstream.count('/');
    const p = await expectProblem(await fetch(`${gw.url}/proxy/echo`, { method: 'POST', body: '' }), 503);
    assert.equal(p.type, 'https://sortie.dev/problems/upstream-unavailable');
    const open = await fetch(`${gw.url}/proxy/echo`);
    assert.equal(open.status, 503);
    assert.equal(open.headers.get('retry-after'), '1');
    await open.arrayBuffer();
    assert.deepEqual(await expectJson<Aggregate>(await aggregate(), 200), first, 'stale answer while open');
    assert.equal(upstream.count('/'), before, 'nothing reached the upstream while open');
    assert.equal(await metric(gw, /^sortie_upstream_breaker_state (\d+)$/m), '1');
    assert.ok(Number(await metric(gw, /^sortie_upstream_errors_total\{kind="circuit_open"\} (\d+)$/m)) >= 2);
    assert.ok(Number(await metric(gw, /^sortie_gateway_cache_stale_total (\d+)$/m)) >= 4);
  });

  test('half-open: one trial goes through; a failed trial opens the breaker again', async () => {
    await sleep(HALF_OPEN_MS + 50);
    const before = upstream.count('/status/500');
    assert.equal((await fetch(`${gw.url}/proxy/status/500`, { method: 'POST', body: '' })).status, 500, 'the trial reached the upstream');
    assert.equal(upstream.count('/status/500'), before + 1);
    await expectProblem(await fetch(`${gw.url}/proxy/status/500`, { method: 'POST', body: '' }), 503);
  });

  test('past STALE_IF_ERROR_MS nothing stale is served: a problem', async () => {
    await sleep(Math.max(0, STALE_MS + TTL_MS + 100 - HALF_OPEN_MS));
    const res = await aggregate();
    assert.ok([502, 503].includes(res.status), `got ${res.status}`);
    await expectProblem(res, res.status);
  });

  test('a successful trial closes the breaker; the aggregate is fresh again', async () => {
    upstream.areasMode = 'ok';
    await sleep(HALF_OPEN_MS + 50);
    const fresh = await expectJson<Aggregate>(await aggregate(), 200);
    assert.deepEqual(fresh.items, first.items);
    assert.notEqual(fresh.aggregated_at, first.aggregated_at);
    assert.equal(await metric(gw, /^sortie_upstream_breaker_state (\d+)$/m), '0');
    assert.equal((await fetch(`${gw.url}/proxy/echo`)).status, 200);
  });
});

describe('an upstream that refuses connections', () => {
  test('/proxy/* and /aggregate/areas answer 502 problems; the error is counted', async () => {
    const p = await expectProblem(await fetch(`${refused.url}/proxy/areas/1`), 502);
    assert.equal(p.type, 'https://sortie.dev/problems/bad-gateway');
    assert.match(p.detail ?? '', /refused/);
    await expectProblem(await fetch(`${refused.url}/aggregate/areas`), 502);
    assert.ok(Number(await metric(refused, /^sortie_upstream_errors_total\{kind="refused"\} (\d+)$/m)) >= 2);
  });
});
