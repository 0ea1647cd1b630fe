/**
 * Limits of the front (issue 12, README "Limits"): a WebSocket message over BODY_LIMIT closes
 * with 1009.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import WebSocket from 'ws';
import { startServer, type TestServer } from '../helpers/server.ts';

const BODY_LIMIT = 64 * 1024;
let server: TestServer;

before(async () => {
  server = await startServer({ BODY_LIMIT: String(BODY_LIMIT) });
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
