/**
 * `/proxy/*` in front of the fault-injecting upstream (test/helpers/fault-upstream.ts): what is
 * forwarded (method, raw path and query, end-to-end headers, streamed body, traceparent), what comes
 * back (status, headers, streamed bodies), the response cache (hits, Cache-Control, Vary, coalescing)
 * and the fault rows that do not need the breaker (timeout, reset, close mid-body, 5xx relayed).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startFaultUpstream, type FaultUpstream } from '../helpers/fault-upstream.ts';
import { expectProblem } from '../helpers/http.ts';
import { rawSequence, requestHead } from '../helpers/raw-http.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

interface Echo {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

let upstream: FaultUpstream;
let gw: TestServer;

before(async () => {
  upstream = await startFaultUpstream();
  gw = await startServer({
    UPSTREAM_URL: upstream.url, PROXY_CACHE_TTL_MS: '5000', UPSTREAM_TIMEOUT_MS: '400', BODY_LIMIT: '2048', BREAKER_FAILURES: '1000',
  });
});
after(async () => {
  await gw.dispose();
  await upstream.close();
  assert.deepEqual(gw.logs.filter((l) => (l.level as number) >= 50), [], 'no error was logged');
});

const echoOf = async (res: Response): Promise<Echo> => {
  assert.equal(res.status, 200);
  return (await res.json()) as Echo;
};

describe('forwarding', () => {
  test('method, raw path and query with odd characters, and body reach the upstream unchanged', async () => {
    const query = 'q=a%20b&check=%E2%9C%93&plus=a+b&empty=&dup=1&dup=2&br=%5B%5D&semi=a;b&slash=a/b?c';
    const res = await fetch(`${gw.url}/proxy/echo/a%2Fb/x.y?${query}`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: '{"x":"é"}' });
    const echo = await echoOf(res);
    assert.equal(echo.method, 'PATCH');
    assert.equal(echo.url, `/echo/a%2Fb/x.y?${query}`);
    assert.equal(echo.body, '{"x":"é"}');
    assert.equal(echo.headers['content-type'], 'application/json');
  });

  test('a streamed (chunked) request body is forwarded whole', async () => {
    const parts = ['{"a":', '"', 'x'.repeat(1500), '"}'];
    const body = new ReadableStream({ start(c) { for (const p of parts) c.enqueue(new TextEncoder().encode(p)); c.close(); } });
    const res = await fetch(`${gw.url}/proxy/echo`, { method: 'POST', body, duplex: 'half' } as RequestInit);
    assert.equal((await echoOf(res)).body, parts.join(''));
  });

  test('header hygiene: hop-by-hop headers (and those Connection names) stay behind; X-Forwarded-* and Host are set', async () => {
    const [ex] = await rawSequence(gw.port, [requestHead('GET', '/proxy/echo/hygiene', [
      'Host: client.example:8443', 'Connection: close, X-Secret', 'X-Secret: s3cr3t', 'Keep-Alive: timeout=5',
      'Proxy-Authorization: Basic eA==', 'TE: trailers', 'Upgrade: h2c', 'X-Forwarded-For: 10.1.2.3', 'X-Custom: kept', 'Authorization: Bearer upstream-token',
    ])]);
    assert.ok(ex);
    assert.equal(ex.status, 200, ex.body);
    const h = (JSON.parse(ex.body) as Echo).headers;
    for (const name of ['x-secret', 'keep-alive', 'proxy-authorization', 'te', 'upgrade'])
      assert.equal(h[name], undefined, `${name} must not reach the upstream`);
    assert.notEqual(h.connection, 'close');
    assert.equal(h['x-custom'], 'kept');
    assert.equal(h.authorization, 'Bearer upstream-token', 'Authorization is end-to-end: the upstream checks it');
    assert.equal(h['x-forwarded-for'], '10.1.2.3, 127.0.0.1');
    assert.equal(h['x-forwarded-proto'], 'http');
    assert.equal(h['x-forwarded-host'], 'client.example:8443');
    assert.equal(h.host, new URL(upstream.url).host);
  });

  test('traceparent: the client\'s trace continues upstream under a new parent span, and is logged', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const res = await fetch(`${gw.url}/proxy/echo/trace`, { method: 'POST', headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01`, 'content-type': 'text/plain' }, body: 'x' });
    const sent = (await echoOf(res)).headers.traceparent ?? '';
    const m = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/.exec(sent);
    assert.ok(m, sent);
    assert.equal(m[1], traceId);
    assert.notEqual(m[2], '00f067aa0ba902b7');
    const deadline = Date.now() + 2000;
    while (!gw.logs.some((l) => l.msg === 'proxied' && l.trace_id === traceId) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const line = gw.logs.find((l) => l.msg === 'proxied' && l.trace_id === traceId);
    assert.ok(line, 'the proxied request is logged with its trace id');
    assert.equal(line.span_id, m[2]);
    assert.equal(line.parent_id, '00f067aa0ba902b7');
    assert.equal(line.status, 200);

    for (const bad of [undefined, 'garbage', `00-${'0'.repeat(32)}-00f067aa0ba902b7-01`, `00-${traceId.toUpperCase()}-00f067aa0ba902b7-01`]) {
      const r = await fetch(`${gw.url}/proxy/echo/trace-new`, { method: 'POST', headers: bad === undefined ? {} : { traceparent: bad }, body: 'x' });
      const fresh = (await echoOf(r)).headers.traceparent ?? '';
      assert.match(fresh, /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/, `a new trace when the client sent ${bad}`);
      assert.ok(!fresh.includes(traceId.toLowerCase()) && !fresh.startsWith(`00-${'0'.repeat(32)}`));
    }
  });

  test('the upstream status and end-to-end headers come back; a 500 is relayed as is', async () => {
    const res = await fetch(`${gw.url}/proxy/status/418`, { method: 'POST', body: '' });
    assert.equal(res.status, 418);
    assert.deepEqual(await res.json(), { status: 418 });
    const five = await fetch(`${gw.url}/proxy/status/500`, { method: 'DELETE' });
    assert.equal(five.status, 500);
    assert.deepEqual(await five.json(), { status: 500 });
  });

  test('a chunked upstream answer is streamed back whole', async () => {
    const res = await fetch(`${gw.url}/proxy/stream`, { method: 'POST', body: '' });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/plain');
    assert.equal(await res.text(), 'chunk0;chunk1;chunk2;');
  });
});

describe('limits and faults', () => {
  test('a body over BODY_LIMIT: 413 problem, declared or streamed, and nothing reaches the upstream', async () => {
    const before = upstream.count('/echo/big');
    await expectProblem(await fetch(`${gw.url}/proxy/echo/big`, { method: 'POST', body: 'x'.repeat(4096) }), 413);
    const body = new ReadableStream({ start(c) { for (let i = 0; i < 8; i++) c.enqueue(new Uint8Array(512)); c.close(); } });
    const streamed = await fetch(`${gw.url}/proxy/echo/big`, { method: 'POST', body, duplex: 'half' } as RequestInit).catch((err: Error) => err);
    if (streamed instanceof Response) await expectProblem(streamed, 413);
    // else: the gateway closed the connection while the client was still sending (README, known limits)
    assert.equal(upstream.count('/echo/big'), before);
  });

  test('an upstream slower than UPSTREAM_TIMEOUT_MS: 504 problem, in about that time', async () => {
    const start = Date.now();
    const p = await expectProblem(await fetch(`${gw.url}/proxy/slow?ms=2000`, { method: 'POST', body: '' }), 504);
    assert.equal(p.type, 'https://sortie.dev/problems/gateway-timeout');
    assert.ok(Date.now() - start < 1500, `answered after ${Date.now() - start} ms`);
  });

  test('an upstream that resets the connection: 502 problem', async () => {
    const p = await expectProblem(await fetch(`${gw.url}/proxy/reset`, { method: 'POST', body: '' }), 502);
    assert.equal(p.type, 'https://sortie.dev/problems/bad-gateway');
  });

  test('an upstream that closes mid-body: a streamed answer is cut (the client sees the failure), a cached GET is a 502', async () => {
    const res = await fetch(`${gw.url}/proxy/midbody`, { method: 'POST', body: '' });
    assert.equal(res.status, 200);
    await assert.rejects(res.text(), 'the truncated body must fail on the client, not look complete');
    await expectProblem(await fetch(`${gw.url}/proxy/midbody`), 502);
  });

  test('a client that goes away cancels its upstream request', async () => {
    const before = upstream.cancelled;
    const abort = new AbortController();
    const pending = fetch(`${gw.url}/proxy/slow?ms=350`, { method: 'POST', body: '', signal: abort.signal });
    await new Promise((r) => setTimeout(r, 100));
    abort.abort();
    await assert.rejects(pending);
    const deadline = Date.now() + 2000;
    while (upstream.cancelled === before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.equal(upstream.cancelled, before + 1, 'the upstream saw its connection closed before answering');
    assert.equal((await fetch(`${gw.url}/proxy/echo`)).status, 200, 'the gateway still serves');
  });

  test('a path with dot segments (which could climb out of UPSTREAM_URL\'s path) is refused, plain or encoded', async () => {
    const before = upstream.received.length;
    for (const path of ['/proxy/a/../echo', '/proxy/%2E%2E/echo', '/proxy/./echo', '/proxy/echo/..'])
      await expectProblem((await rawSequence(gw.port, [requestHead('GET', path, [])]).then(([r]) => new Response(r?.body, { status: r?.status, headers: r?.headers }))), 400);
    assert.equal(upstream.received.length, before);
  });

  test('a method undici cannot forward is a 4xx, not a 500', async () => {
    const [ex] = await rawSequence(gw.port, [requestHead('CONNECT', '/proxy/echo', [])]);
    assert.ok(ex?.status !== undefined && ex.status >= 400 && ex.status < 500, `status ${ex?.status}`);
  });
});

describe('cache', () => {
  test('a GET is served from memory until its TTL, with Age; the upstream sees one request', async () => {
    const first = await fetch(`${gw.url}/proxy/cache?k=ttl`);
    assert.deepEqual(await first.json(), { n: 1, lang: '*' });
    assert.equal(first.headers.get('age'), null);
    const second = await fetch(`${gw.url}/proxy/cache?k=ttl`);
    assert.deepEqual(await second.json(), { n: 1, lang: '*' });
    assert.equal(second.headers.get('age'), '0');
    assert.equal(upstream.count('/cache?k=ttl'), 1);
    await fetch(`${gw.url}/proxy/cache?k=ttl`, { method: 'POST', body: '' }).then((r) => r.arrayBuffer());
    assert.equal(upstream.count('/cache?k=ttl'), 2, 'other methods are never cached');
    await fetch(`${gw.url}/proxy/cache?k=ttl`, { headers: { authorization: 'Bearer x' } }).then((r) => r.arrayBuffer());
    assert.equal(upstream.count('/cache?k=ttl'), 3, 'a request with Authorization is not answered from the shared cache (RFC 9111 §3.5)');
  });

  test('Cache-Control no-store, private, no-cache, max-age=0 are not cached; max-age is', async () => {
    for (const cc of ['no-store', 'private', 'no-cache', 'max-age=0', 'public, max-age=60']) {
      const path = `/cache?cc=${encodeURIComponent(cc)}`;
      for (let i = 0; i < 2; i++) await fetch(`${gw.url}/proxy${path}`).then((r) => r.arrayBuffer());
      assert.equal(upstream.count(path), cc.includes('60') ? 1 : 2, cc);
    }
  });

  test('Vary: a request with other values of the varying header is not answered with the cached variant', async () => {
    const path = '/cache?vary=Accept-Language';
    const get = async (lang: string) => (await (await fetch(`${gw.url}/proxy${path}`, { headers: { 'accept-language': lang } })).json()) as { lang: string };
    assert.equal((await get('en')).lang, 'en');
    assert.equal((await get('en')).lang, 'en');
    assert.equal(upstream.count(path), 1);
    assert.equal((await get('fr')).lang, 'fr');
    assert.equal(upstream.count(path), 2);
  });

  test('coalescing: 30 concurrent misses for one URL make one upstream request', async () => {
    const path = '/cache?ms=150&k=coalesce';
    const answers = await Promise.all(Array.from({ length: 30 }, () => fetch(`${gw.url}/proxy${path}`).then(async (r) => [r.status, await r.text()] as const)));
    assert.equal(upstream.count(path), 1);
    for (const [status, body] of answers) {
      assert.equal(status, 200);
      assert.equal(body, '{"n":1,"lang":"*"}');
    }
  });

  test('coalescing honours Vary: concurrent requests with another value of the varying header get their own answer', async () => {
    const path = '/cache?ms=150&k=coalesce-vary&vary=Accept-Language&cc=no-store';
    const get = (lang: string) => fetch(`${gw.url}/proxy${path}`, { headers: { 'accept-language': lang } }).then(async (r) => ((await r.json()) as { lang: string }).lang);
    assert.deepEqual(await Promise.all([get('en'), get('en'), get('fr'), get('en')]), ['en', 'en', 'fr', 'en']);
    assert.equal(upstream.count(path), 2, 'one request per variant');
  });

  test('/metrics: upstream latency, errors by kind, cache counters, breaker state', async () => {
    const text = await (await fetch(`${gw.adminUrl}/metrics`)).text();
    assert.match(text, /^sortie_upstream_breaker_state 0$/m);
    assert.match(text, /^sortie_upstream_errors_total\{kind="timeout"\} [1-9]/m);
    assert.match(text, /^sortie_upstream_errors_total\{kind="reset"\} [1-9]/m);
    assert.match(text, /^sortie_upstream_errors_total\{kind="status_5xx"\} [1-9]/m);
    assert.match(text, /^sortie_gateway_cache_hits_total [1-9]/m);
    assert.match(text, /^sortie_gateway_cache_coalesced_total (29|[3-9]\d)/m);
    assert.match(text, /^sortie_upstream_request_duration_seconds_count\{route="\/proxy\/\*",method="GET"\} [1-9]/m);
    assert.match(text, /^sortie_http_requests_total\{route="\/proxy\/\*",method="ANY",status="200"\} [1-9]/m);
  });
});
