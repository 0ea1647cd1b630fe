/**
 * Limits of the front (issue 12, README "Slow and oversized requests"): a WebSocket message over
 * BODY_LIMIT closes with 1009; a body over it gets its 413 whole while the client is still
 * sending (drained, then closed, never reset); a body that pauses or slows down gets 408; one that
 * keeps its rate finishes, however long it takes; a head that never ends is closed by uWS.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import WebSocket from 'ws';
import { rawExchange, rawUpload, requestHead, type RawExchange } from '../helpers/raw-http.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

const KiB = 1024;
const BODY_LIMIT = 256 * KiB;
/** Small, so the timeouts show in about a second. */
const BODY_TIMEOUT_MS = 1000;
/** Below uWS's own 16 KiB/s, so a body between the two shows that uWS's timeout no longer decides. */
const BODY_MIN_RATE = 4 * KiB;
let server: TestServer;

before(async () => {
  server = await startServer({ BODY_LIMIT: String(BODY_LIMIT), BODY_TIMEOUT_MS: String(BODY_TIMEOUT_MS), BODY_MIN_RATE: String(BODY_MIN_RATE) });
});
after(async () => {
  assert.equal(await server.stop(), 0, 'the server exits 0 on SIGTERM');
  assert.deepEqual(server.logs.filter((l) => (l.level as number) >= 50), [], 'no error was logged');
  await server.dispose();
});

describe('WebSocket messages over BODY_LIMIT', () => {
  const open = async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws`);
    await new Promise<void>((resolve, reject) => { ws.once('open', () => resolve()); ws.once('error', reject); });
    return ws;
  };
  /** Opens /ws, sends `bytes` bytes of text in one frame and resolves with the close code the client sees. */
  async function closeCodeFor(bytes: number): Promise<number> {
    const ws = await open();
    const closed = new Promise<number>((resolve) => ws.once('close', (code: number) => resolve(code)));
    ws.send('x'.repeat(bytes));
    return closed;
  }

  test('a message one byte over the limit: close frame 1009 (RFC 6455 §7.4.1); at the limit it is read', async () => {
    assert.equal(await closeCodeFor(BODY_LIMIT + 1), 1009);
    const ws = await open();
    const reply = new Promise<string>((resolve) => ws.once('message', (d: Buffer) => resolve(d.toString())));
    ws.send(`{"id":1,"op":"ping"}${' '.repeat(BODY_LIMIT - 20)}`);
    assert.deepEqual(JSON.parse(await reply), { id: 1, ok: true, result: 'pong' });
    ws.close();
  });

  test('a frame over twice the limit: uWS drops the connection at its header, without a close frame (1006)', async () => {
    assert.equal(await closeCodeFor(2 * BODY_LIMIT + 1), 1006);
    assert.equal((await fetch(`${server.url}/health`)).status, 200, 'the server keeps serving');
  });
});

/** Checks a problem answer that closes the connection: status, problem type, `Connection: close`. */
function assertProblem(r: RawExchange, status: number, slug: string): void {
  assert.equal(r.status, status, r.raw.slice(0, 300));
  assert.equal(r.headers['content-type'], 'application/problem+json');
  assert.equal(r.headers.connection, 'close');
  assert.equal((JSON.parse(r.body) as { type: string }).type, `https://sortie.dev/problems/${slug}`);
}

const postHead = (length: number, type = 'application/json') =>
  requestHead('POST', '/areas', [`Content-Type: ${type}`, `Content-Length: ${length}`]);
/** A valid `POST /areas` body of exactly `bytes` bytes (JSON whitespace fills it). */
const areaBody = (bytes: number) => Buffer.from(`${JSON.stringify({ name: 'slow', type: `slow-${randomUUID()}` }).slice(0, -1)}${' '.repeat(bytes)}`.slice(0, bytes - 1) + '}');

describe('bodies over BODY_LIMIT: the answer arrives whole while the client is still sending', { concurrency: true }, () => {
  test('Content-Length 16 × BODY_LIMIT, the client writes it all without reading: a complete 413, then a clean close (no reset)', async () => {
    const length = 16 * BODY_LIMIT;
    const r = await rawUpload(server.port, postHead(length), Buffer.alloc(length, 'x'), 32 * 1024 * KiB, false);
    assertProblem(r, 413, 'payload-too-large');
    assert.equal(r.sent, length, 'the client could write its whole body');
    assert.equal(r.end, 'close', 'the server closed once the body was drained, without a reset');
  });

  test('any early refusal drains the same way: a large body with the wrong Content-Type gets its 415', async () => {
    const r = await rawUpload(server.port, postHead(16 * BODY_LIMIT, 'text/plain'), Buffer.alloc(16 * BODY_LIMIT, 'x'), 32 * 1024 * KiB, false);
    assertProblem(r, 415, 'unsupported-media-type');
    assert.equal(r.end, 'close');
  });

  test('a route that does not exist (404) or a method it does not take (405) drains the same way', async () => {
    for (const [method, path, status, slug] of [['POST', '/nowhere', 404, 'not-found'], ['PUT', '/areas', 405, 'method-not-allowed']] as const) {
      const head = requestHead(method, path, ['Content-Type: application/json', `Content-Length: ${16 * BODY_LIMIT}`]);
      const r = await rawUpload(server.port, head, Buffer.alloc(16 * BODY_LIMIT, 'x'), 32 * 1024 * KiB, false);
      assertProblem(r, status, slug);
      assert.equal(r.sent, 16 * BODY_LIMIT, `${method} ${path}: the client could write its whole body`);
      assert.equal(r.end, 'close', `${method} ${path}: closed without a reset`);
    }
  });

  test('a client that stops sending after a 413: the drain ends after BODY_TIMEOUT_MS and the server closes', async () => {
    const r = await rawUpload(server.port, postHead(16 * BODY_LIMIT), Buffer.alloc(BODY_LIMIT, 'x'), 32 * 1024 * KiB, false);
    assertProblem(r, 413, 'payload-too-large');
    assert.equal(r.end, 'close');
    assert.ok(r.elapsedMs >= BODY_TIMEOUT_MS - 100 && r.elapsedMs < BODY_TIMEOUT_MS + 2000, `closed after ${Math.round(r.elapsedMs)} ms`);
  });

  test('fetch (undici) sending 16 × BODY_LIMIT gets the 413 problem', async () => {
    const res = await fetch(`${server.url}/areas`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: Buffer.alloc(16 * BODY_LIMIT, ' ') });
    assert.equal(res.status, 413);
    assert.equal(((await res.json()) as { type: string }).type, 'https://sortie.dev/problems/payload-too-large');
  });
});

describe('slow clients', { concurrency: true }, () => {
  test('a body slower than BODY_MIN_RATE: 408 once it falls behind, then the connection closes', async () => {
    const r = await rawUpload(server.port, postHead(BODY_LIMIT), areaBody(BODY_LIMIT), BODY_MIN_RATE / 4, true, 5000);
    assertProblem(r, 408, 'request-timeout');
    assert.equal(r.end, 'close');
    // Behind once BODY_TIMEOUT_MS + received / BODY_MIN_RATE has passed: after 4/3 of BODY_TIMEOUT_MS at a quarter of the rate.
    assert.ok(r.elapsedMs >= BODY_TIMEOUT_MS && r.elapsedMs < BODY_TIMEOUT_MS + 2000, `answered after ${Math.round(r.elapsedMs)} ms`);
  });

  test('a body that stops for BODY_TIMEOUT_MS: 408', async () => {
    const r = await rawExchange(server.port, [postHead(BODY_LIMIT), 'x'.repeat(KiB)], 5000);
    assertProblem(r, 408, 'request-timeout');
    assert.equal(r.end, 'close');
    assert.ok(r.elapsedMs >= BODY_TIMEOUT_MS - 100 && r.elapsedMs < BODY_TIMEOUT_MS + 2000, `answered after ${Math.round(r.elapsedMs)} ms`);
  });

  test('a body at twice BODY_MIN_RATE for 13 s (past uWS\'s own 10 s timeout, which needs 16 KiB/s): 201', async () => {
    const rate = 2 * BODY_MIN_RATE;
    const r = await rawUpload(server.port, `${postHead(13 * rate).slice(0, -2)}Connection: close\r\n\r\n`, areaBody(13 * rate), rate, false, 20_000);
    assert.equal(r.status, 201, r.raw.slice(0, 300));
    assert.ok(r.elapsedMs > 12_500, `took ${Math.round(r.elapsedMs)} ms`);
  });

  test('a head that never ends: no answer (uWS never hands it over), closed by uWS after its fixed 10 s', async () => {
    const drip = [...'GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ', ...'y'.repeat(40)];
    const r = await rawExchange(server.port, drip, 20_000, 400);
    assert.equal(r.raw, '', 'no answer');
    assert.equal(r.end, 'close');
    assert.ok(r.elapsedMs >= 7_500 && r.elapsedMs <= 14_000, `closed after ${Math.round(r.elapsedMs)} ms`);
  });
});
