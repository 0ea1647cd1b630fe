/**
 * `GET /ws` (../shared/API.md, "WebSocket") for what exists now: ping, the `areas` topic and the
 * area commands, in JSON text frames and msgpack binary frames, against one real server process.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, afterEach, before, describe, test } from 'node:test';
import { startServer, type TestServer } from '../helpers/server.ts';
import { ISO_MS, assertProblemShape, expectJson, expectProblem, sendJson, type AreaJson } from '../helpers/http.ts';
import { WsClient, type EventFrame, type ReplyFrame } from '../helpers/ws-client.ts';

let server: TestServer;
/** Sockets opened by the current test, closed after it. */
const open: WsClient[] = [];

before(async () => {
  server = await startServer();
});
afterEach(() => {
  for (const c of open.splice(0)) c.close();
});
after(async () => {
  assert.equal(await server.stop(), 0);
  assert.deepEqual(server.logs.filter((l) => (l.level as number) >= 50), [], 'no error was logged');
  await server.dispose();
});

async function connect(encoding: 'json' | 'msgpack' = 'json'): Promise<WsClient> {
  const c = await WsClient.connect(server.url, encoding);
  open.push(c);
  return c;
}
/** A connected client already subscribed to `areas`. */
async function subscriber(encoding: 'json' | 'msgpack' = 'json'): Promise<WsClient> {
  const c = await connect(encoding);
  assert.deepEqual(ok(await c.request({ id: 'sub', op: 'subscribe', topic: 'areas' })), { topic: 'areas' });
  return c;
}
/** The result of a successful reply. */
function ok(r: ReplyFrame): unknown {
  assert.equal(r.ok, true, `expected ok, got ${JSON.stringify(r)}`);
  return (r as { result: unknown }).result;
}
/** The problem of a failed reply, checked for its RFC 9457 shape, status and field paths. */
function failed(r: ReplyFrame, status: number, paths: string[] = []): { type: string; errors?: { path: string }[] } {
  assert.equal(r.ok, false, `expected an error, got ${JSON.stringify(r)}`);
  const p = (r as { error: Parameters<typeof assertProblemShape>[0] }).error;
  assertProblemShape(p, status);
  for (const path of paths) assert.ok((p.errors ?? []).some((e) => e.path === path), `errors[].path should include ${path}: ${JSON.stringify(p)}`);
  return p;
}
const uniqueType = (label: string) => `${label}-${randomUUID()}`;
/** The `areas` event about area `id`, of kind `event`. */
const areaEvent = (event: string, id: number) => (e: EventFrame) => e.topic === 'areas' && e.event === event && (e.data as { id: number }).id === id;

describe('ping', () => {
  test('JSON: {id, op:"ping"} → {id, ok:true}; string ids are echoed too', async () => {
    const c = await connect();
    const r = await c.request({ id: 1, op: 'ping' });
    assert.equal(r.id, 1);
    ok(r);
    assert.equal((await c.request({ id: 'p-2', op: 'ping' })).id, 'p-2');
  });

  test('many pings in a row are answered in order', async () => {
    const c = await connect();
    for (let i = 0; i < 50; i++) c.send({ id: i, op: 'ping' });
    for (let i = 0; i < 50; i++) ok(await c.reply(i));
    assert.deepEqual(c.inbox, []);
  });
});

describe('areas topic: events of writes made over HTTP', () => {
  test('area.created, area.updated, area.deleted carry the data the HTTP replies returned', async () => {
    const c = await subscriber();
    const type = uniqueType('ws-http');
    const created = await expectJson<AreaJson>(await sendJson(`${server.url}/areas`, 'POST', { name: 'Lille', type }), 201);
    assert.deepEqual((await c.event(areaEvent('area.created', created.id))).data, created);

    const updated = await expectJson<AreaJson>(await sendJson(`${server.url}/areas/${created.id}`, 'PATCH', { name: 'Lille-Centre' }), 200);
    assert.deepEqual((await c.event(areaEvent('area.updated', created.id))).data, updated);

    assert.equal((await fetch(`${server.url}/areas/${created.id}`, { method: 'DELETE' })).status, 204);
    const deleted = await c.event(areaEvent('area.deleted', created.id));
    assert.equal((deleted.data as { id: number }).id, created.id);
  });

  test('every subscriber gets every event, in commit order', async () => {
    const subs = await Promise.all([subscriber(), subscriber(), subscriber()]);
    const type = uniqueType('fanout');
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) ids.push((await expectJson<AreaJson>(await sendJson(`${server.url}/areas`, 'POST', { name: `n${i}`, type }), 201)).id);
    for (const s of subs) {
      const got: number[] = [];
      for (const id of ids) got.push(((await s.event(areaEvent('area.created', id))).data as AreaJson).id);
      assert.deepEqual(got, ids);
    }
  });

  test('a failed write publishes nothing', async () => {
    const c = await subscriber();
    await expectProblem(await sendJson(`${server.url}/areas`, 'POST', { name: '' }), 400, ['/name']);
    await expectProblem(await sendJson(`${server.url}/areas/987654321`, 'PATCH', { name: 'x' }), 404);
    ok(await c.request({ id: 'after', op: 'ping' }));
    assert.deepEqual(c.pendingEvents().filter((e) => (e.data as { id?: number }).id === 987654321), []);
    assert.deepEqual(c.pendingEvents().filter((e) => (e.data as AreaJson).name === ''), []);
  });

  test('an idempotent replay publishes nothing new', async () => {
    const watcher = await subscriber();
    const type = uniqueType('replay');
    const key = randomUUID();
    const first = await expectJson<AreaJson>(await sendJson(`${server.url}/areas`, 'POST', { name: 'n', type }, { 'idempotency-key': key }), 201);
    await watcher.event(areaEvent('area.created', first.id));
    const second = await sendJson(`${server.url}/areas`, 'POST', { name: 'n', type }, { 'idempotency-key': key });
    assert.equal(second.headers.get('idempotent-replayed'), 'true');
    await second.text();
    // A later write is seen after the replay would have been published: nothing about `first` came in between.
    const marker = await expectJson<AreaJson>(await sendJson(`${server.url}/areas`, 'POST', { name: 'marker', type }), 201);
    await watcher.event(areaEvent('area.created', marker.id));
    assert.deepEqual(watcher.pendingEvents().filter((e) => (e.data as AreaJson).id === first.id), []);
  });
});

describe('command frames', () => {
  test('areas.create / areas.update / areas.delete: replies carry the results; subscribers see the events; HTTP reads them at once', async () => {
    const watcher = await subscriber();
    const c = await connect();
    const type = uniqueType('ws-cmd');

    const area = ok(await c.request({ id: 1, op: 'command', name: 'areas.create', args: { name: 'Brest', type, population: 139_000 } })) as AreaJson;
    assert.ok(Number.isSafeInteger(area.id) && area.id >= 1);
    assert.equal(area.name, 'Brest');
    assert.equal(area.type, type);
    assert.equal(area.population, 139_000);
    assert.match(area.created_at, ISO_MS);
    assert.deepEqual(await expectJson(await fetch(`${server.url}/areas/${area.id}`), 200), area, 'read-your-write across transports');
    assert.deepEqual((await watcher.event(areaEvent('area.created', area.id))).data, area);

    const updated = ok(await c.request({ id: 2, op: 'command', name: 'areas.update', args: { id: area.id, patch: { name: 'Brest-Port', population: null } } })) as AreaJson;
    assert.equal(updated.name, 'Brest-Port');
    assert.equal('population' in updated, false);
    assert.equal(updated.created_at, area.created_at);
    assert.deepEqual(await expectJson(await fetch(`${server.url}/areas/${area.id}`), 200), updated);
    assert.deepEqual((await watcher.event(areaEvent('area.updated', area.id))).data, updated);

    ok(await c.request({ id: 3, op: 'command', name: 'areas.delete', args: { id: area.id } }));
    await expectProblem(await fetch(`${server.url}/areas/${area.id}`), 404);
    await watcher.event(areaEvent('area.deleted', area.id));
  });

  test('the sender, when subscribed, gets both its reply and the event', async () => {
    const c = await subscriber();
    const area = ok(await c.request({ id: 'mine', op: 'command', name: 'areas.create', args: { name: 'n', type: uniqueType('self') } })) as AreaJson;
    assert.deepEqual((await c.event(areaEvent('area.created', area.id))).data, area);
  });

  test('ids from WS and HTTP creates interleave without collision', async () => {
    const c = await connect();
    const type = uniqueType('mixed');
    const ws = Array.from({ length: 30 }, (_, i) => c.request({ id: i, op: 'command', name: 'areas.create', args: { name: `w${i}`, type } }));
    const http = Array.from({ length: 30 }, (_, i) => sendJson(`${server.url}/areas`, 'POST', { name: `h${i}`, type }).then((r) => expectJson<AreaJson>(r, 201)));
    const ids = [...(await Promise.all(ws)).map((r) => (ok(r) as AreaJson).id), ...(await Promise.all(http)).map((a) => a.id)];
    assert.equal(new Set(ids).size, 60);
    const listed = await expectJson<AreaJson[]>(await fetch(`${server.url}/areas?type=${type}`), 200);
    assert.deepEqual(listed.map((a) => a.id), [...ids].sort((a, b) => a - b));
  });

  test('command errors come back as {id, ok:false, error: problem} naming the field', async () => {
    const c = await connect();
    failed(await c.request({ id: 10, op: 'command', name: 'areas.create', args: { name: '', type: 't' } }), 400, ['/name']);
    failed(await c.request({ id: 11, op: 'command', name: 'areas.create', args: { name: 'n' } }), 400, ['/type']);
    failed(await c.request({ id: 12, op: 'command', name: 'areas.create', args: { name: 'n', type: 't', extra: true } }), 400, ['/extra']);
    failed(await c.request({ id: 13, op: 'command', name: 'areas.create', args: 'not an object' }), 400);
    failed(await c.request({ id: 14, op: 'command', name: 'areas.update', args: { id: 987654321, patch: { name: 'x' } } }), 404);
    failed(await c.request({ id: 15, op: 'command', name: 'areas.update', args: { id: 1, patch: { name: null } } }), 400, ['/patch/name']);
    failed(await c.request({ id: 16, op: 'command', name: 'areas.delete', args: { id: 'abc' } }), 400, ['/id']);
    failed(await c.request({ id: 17, op: 'command', name: 'areas.delete', args: { id: 987654321 } }), 404);
    ok(await c.request({ id: 18, op: 'ping' }));
  });

  test('unknown command → error reply naming /name; the socket stays usable', async () => {
    const c = await connect();
    failed(await c.request({ id: 20, op: 'command', name: 'areas.drop', args: {} }), 400, ['/name']);
    failed(await c.request({ id: 21, op: 'command', name: 'toString', args: {} }), 400, ['/name']);
    ok(await c.request({ id: 22, op: 'ping' }));
  });
});

describe('unsubscribe', () => {
  test('stops events on that socket only', async () => {
    const quitter = await subscriber();
    const stayer = await subscriber();
    assert.deepEqual(ok(await quitter.request({ id: 'unsub', op: 'unsubscribe', topic: 'areas' })), { topic: 'areas' });
    const area = await expectJson<AreaJson>(await sendJson(`${server.url}/areas`, 'POST', { name: 'n', type: uniqueType('unsub') }), 201);
    await stayer.event(areaEvent('area.created', area.id));
    // Frames to one socket keep their order: had the event been sent to `quitter`, it would precede this pong.
    ok(await quitter.request({ id: 'after', op: 'ping' }));
    assert.deepEqual(quitter.pendingEvents(), []);
  });

  test('subscribing again resumes events; unsubscribing a topic never subscribed is harmless', async () => {
    const c = await connect();
    ok(await c.request({ id: 1, op: 'unsubscribe', topic: 'areas' }));
    ok(await c.request({ id: 2, op: 'subscribe', topic: 'areas' }));
    const area = await expectJson<AreaJson>(await sendJson(`${server.url}/areas`, 'POST', { name: 'n', type: uniqueType('resub') }), 201);
    await c.event(areaEvent('area.created', area.id));
  });

  test('subscribing twice does not duplicate events', async () => {
    const c = await subscriber();
    ok(await c.request({ id: 'again', op: 'subscribe', topic: 'areas' }));
    const area = await expectJson<AreaJson>(await sendJson(`${server.url}/areas`, 'POST', { name: 'n', type: uniqueType('twice') }), 201);
    await c.event(areaEvent('area.created', area.id));
    ok(await c.request({ id: 'after', op: 'ping' }));
    assert.deepEqual(c.pendingEvents().filter(areaEvent('area.created', area.id)), []);
  });
});

describe('bad frames get error replies and do not kill the socket', () => {
  const cases: [string, string, number, unknown][] = [
    ['invalid JSON', '{"id": 1, "op": ', 400, null],
    ['not an object', '[1, 2, 3]', 400, null],
    ['a bare string', '"ping"', 400, null],
    ['unknown op', '{"id": 5, "op": "dance"}', 400, 5],
    ['missing op', '{"id": 6}', 400, 6],
    ['missing id', '{"op": "ping"}', 400, null],
    ['extra member', '{"id": 7, "op": "ping", "x": 1}', 400, 7],
    ['subscribe without topic', '{"id": 8, "op": "subscribe"}', 400, 8],
    ['command without name', '{"id": 9, "op": "command", "args": {}}', 400, 9],
  ];
  for (const [what, text, status, id] of cases) {
    test(`${what} → {id: ${JSON.stringify(id)}, ok:false, error ${status}}`, async () => {
      const c = await connect();
      c.sendRaw(text);
      failed(await c.reply(id), status);
      ok(await c.request({ id: 'alive', op: 'ping' }));
    });
  }

  test('unknown topic → error reply (4xx problem), no subscription', async () => {
    const c = await connect();
    const r = await c.request({ id: 'topic', op: 'subscribe', topic: 'no-such-topic' });
    assert.equal(r.ok, false);
    const status = (r as { error: { status: number } }).error.status;
    assert.ok(status >= 400 && status < 500, `status ${status}`);
    failed(r, status);
    ok(await c.request({ id: 'alive', op: 'ping' }));
  });

  test('a burst of bad frames mixed with good ones: every frame gets exactly one reply, in order', async () => {
    const c = await connect();
    for (let i = 0; i < 20; i++) {
      if (i % 2 === 0) c.send({ id: i, op: 'ping' });
      else c.send({ id: i, op: 'nope' });
    }
    for (let i = 0; i < 20; i++) {
      const r = await c.reply(i);
      if (i % 2 === 0) ok(r);
      else failed(r, 400);
    }
    ok(await c.request({ id: 'end', op: 'ping' }));
    assert.deepEqual(c.inbox, []);
  });

  test('a frame over BODY_LIMIT (1 MiB) closes that socket with 1009 "message too big"; the server keeps serving', async () => {
    const c = await connect();
    c.sendRaw(JSON.stringify({ id: 1, op: 'ping', pad: 'x'.repeat(1024 * 1024) }));
    assert.equal((await c.closedBy()).code, 1009);
    const other = await connect();
    ok(await other.request({ id: 1, op: 'ping' }));
  });
});

describe('msgpack binary frames get msgpack replies', () => {
  test('ping', async () => {
    const c = await connect('msgpack');
    const r = await c.request({ id: 1, op: 'ping' });
    assert.equal(r.id, 1);
    ok(r);
  });

  test('command and subscription: reply and events in msgpack, equal to the JSON ones', async () => {
    const binary = await subscriber('msgpack');
    const text = await subscriber('json');
    const area = ok(await binary.request({ id: 2, op: 'command', name: 'areas.create', args: { name: 'Tours', type: uniqueType('mp'), location: { lat: 47.39, lng: 0.69 } } })) as AreaJson;
    assert.equal(area.name, 'Tours');
    assert.deepEqual(area.location, { lat: 47.39, lng: 0.69 });
    const [b, t] = await Promise.all([binary.event(areaEvent('area.created', area.id)), text.event(areaEvent('area.created', area.id))]);
    assert.deepEqual(b, t);
    assert.deepEqual(b.data, area);
    assert.deepEqual(await expectJson(await fetch(`${server.url}/areas/${area.id}`), 200), area);
  });

  test('errors in msgpack: command error, bad frame, undecodable bytes', async () => {
    const c = await connect('msgpack');
    failed(await c.request({ id: 3, op: 'command', name: 'areas.create', args: { name: 'n', type: '   ' } }), 400, ['/type']);
    failed(await c.request({ id: 4, op: 'dance' }), 400);
    c.sendRaw(Buffer.from([0x92, 0x01])); // a msgpack array of two with only one element
    failed(await c.reply(null), 400);
    ok(await c.request({ id: 5, op: 'ping' }));
  });
});
