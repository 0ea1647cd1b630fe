import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { startServer, type TestServer } from '../helpers/server.ts';

/** Opens a socket whose reading can be paused (the TCP socket stops being read, so the server's backlog grows). */
async function pausable(url: string): Promise<{ ws: WebSocket; pause(): void; resume(): void; closed: Promise<[number, string]> }> {
  const ws = new WebSocket(`${url.replace('http', 'ws')}/ws`);
  await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
  const closed = new Promise<[number, string]>((resolve) => ws.once('close', (code, reason) => resolve([code, reason.toString()])));
  const tcp = (ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
  return { ws, pause: () => tcp.pause(), resume: () => tcp.resume(), closed };
}

const stats = async (srv: TestServer) => ((await (await fetch(`${srv.adminUrl}/admin/stats`)).json()) as { ws: { connections: number } }).ws;

describe('slow WebSocket consumers', () => {
  let srv: TestServer;
  before(async () => { srv = await startServer({ WS_MAX_BACKPRESSURE: '65536' }); });
  after(async () => { await srv.dispose(); });

  it('closes with 1013 a client that does not read its replies', async () => {
    const c = await pausable(srv.url);
    c.pause();
    const ping = JSON.stringify({ id: 1, op: 'ping' });
    for (let i = 0; i < 200_000; i++) c.ws.send(ping);
    // Let the server read the pings and build up the backlog before the client reads again.
    for (let i = 0; i < 100 && (await stats(srv)).connections > 0; i++) await new Promise((r) => setTimeout(r, 50));
    c.resume();
    const [code, reason] = await c.closed;
    assert.equal(code, 1013);
    assert.equal(reason, 'slow consumer');
  });

  it('closes with 1013 a subscriber that does not read published events, and keeps serving others', async () => {
    const slow = await pausable(srv.url);
    const fast = await pausable(srv.url);
    for (const c of [slow, fast]) {
      c.ws.send(JSON.stringify({ id: 1, op: 'subscribe', topic: 'areas' }));
      await new Promise((r) => c.ws.once('message', r));
    }
    let fastEvents = 0;
    fast.ws.on('message', () => { fastEvents++; });
    slow.pause();
    // Events of ~2.4 KB (200 four-byte characters per text field) fill socket buffers quickly.
    const wide = '😀'.repeat(199);
    let next = 0;
    const writer = async () => {
      while (next < 4000) {
        const i = next++;
        const res = await fetch(`${srv.url}/areas`, {
          method: 'POST', headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ name: `${wide}${i % 10}`, type: `${wide}t`, external_ref: `bp-${i}-${wide}`.slice(0, 200) }),
        });
        assert.equal(res.status, 201);
        if (i % 25 === 0 && (await stats(srv)).connections < 2) return;
      }
    };
    await Promise.all(Array.from({ length: 16 }, writer));
    slow.resume();
    const [code] = await slow.closed;
    assert.equal(code, 1013);
    assert.ok(fastEvents > 0);
    assert.equal(fast.ws.readyState, WebSocket.OPEN);
    fast.ws.close();
  });
});
