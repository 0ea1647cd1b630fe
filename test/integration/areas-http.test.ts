/**
 * The Health and Areas seed contract (../shared/API.md) over HTTP, against one real server process.
 * Tests share the server, so each one works on areas of its own `type` (see `uniqueType`).
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { Agent, fetch as undiciFetch } from 'undici';
import { startServer, type TestServer } from '../helpers/server.ts';
import {
  ISO_MS, checkProblem, collectPages, expectJson, expectProblem, nextLinkOf, sendJson, type AreaJson,
} from '../helpers/http.ts';
import { rawExchange, rawSequence, requestHead } from '../helpers/raw-http.ts';

const MiB = 1024 * 1024;
let server: TestServer;
let url: string;

before(async () => {
  server = await startServer();
  url = server.url;
});
after(async () => {
  assert.equal(await server.stop(), 0, 'the server exits 0 on SIGTERM');
  assert.deepEqual(server.logs.filter((l) => (l.level as number) >= 50), [], 'no error was logged');
  await server.dispose();
});

/** A `type` no other test uses, so a test can list exactly its own areas. */
const uniqueType = (label: string) => `${label}-${randomUUID()}`;
const post = (body: unknown, headers?: Record<string, string>) => sendJson(`${url}/areas`, 'POST', body, headers);
const patch = (id: number | string, body: unknown, headers?: Record<string, string>) => sendJson(`${url}/areas/${id}`, 'PATCH', body, headers);
const del = (id: number | string, headers?: Record<string, string>) => fetch(`${url}/areas/${id}`, { method: 'DELETE', headers });
const getArea = (id: number | string) => fetch(`${url}/areas/${id}`);

/** Creates an area and returns it. */
async function create(body: Record<string, unknown>): Promise<AreaJson> {
  return expectJson<AreaJson>(await post(body), 201);
}
/** Creates `n` areas of `type` one after the other; returns them in creation order. */
async function createMany(type: string, n: number): Promise<AreaJson[]> {
  const out: AreaJson[] = [];
  for (let i = 0; i < n; i++) out.push(await create({ name: `${type} #${i}`, type }));
  return out;
}

describe('GET /health', () => {
  test('200 {"status":"ok"} as JSON', async () => {
    const res = await fetch(`${url}/health`);
    assert.deepEqual(await expectJson(res, 200), { status: 'ok' });
  });
  test('other methods → 405 with Allow: GET, HEAD', async () => {
    const res = await fetch(`${url}/health`, { method: 'POST' });
    await expectProblem(res, 405);
    assert.equal(res.headers.get('allow'), 'GET, HEAD');
  });
});

describe('POST /areas', () => {
  test('201, Location /areas/{id}, body {id, name, type, created_at} with a UTC ms timestamp', async () => {
    const before = Date.now();
    const res = await post({ name: 'Lyon', type: 'city' });
    const area = await expectJson<AreaJson>(res, 201);
    const afterReply = Date.now();
    assert.ok(Number.isSafeInteger(area.id) && area.id >= 1, `id ${area.id}`);
    assert.equal(res.headers.get('location'), `/areas/${area.id}`);
    assert.equal(area.name, 'Lyon');
    assert.equal(area.type, 'city');
    assert.match(area.created_at, ISO_MS);
    const at = Date.parse(area.created_at);
    assert.ok(at >= before - 1 && at <= afterReply + 1, `created_at ${area.created_at} is the time of the request`);
    assert.equal(res.headers.get('idempotent-replayed'), null);
  });

  test('optional fields (location, population, country) are kept and returned', async () => {
    const body = { name: 'Paris', type: 'city', location: { lat: 48.8566, lng: 2.3522 }, population: 2_102_650, country: 'FR' };
    const area = await create(body);
    assert.deepEqual({ name: area.name, type: area.type, location: area.location, population: area.population, country: area.country }, body);
    assert.deepEqual(await expectJson(await getArea(area.id), 200), area);
  });

  test('ids increase with each create', async () => {
    const [a, b] = await createMany(uniqueType('seq'), 2);
    assert.ok(b!.id > a!.id);
  });

  test('Content-Type application/json with a charset is accepted', async () => {
    await expectJson(await post({ name: 'n', type: 't' }, { 'content-type': 'application/json; charset=utf-8' }), 201);
  });

  test('multi-byte names are stored exactly; limits count code points (200 emoji = 800 bytes is fine)', async () => {
    const name = '😀'.repeat(200);
    const type = `${'é'.repeat(150)}-${randomUUID()}`.slice(0, 190);
    const area = await create({ name, type });
    assert.equal(area.name, name);
    assert.equal(area.type, type);
    const [listed] = await expectJson<AreaJson[]>(await fetch(`${url}/areas?type=${encodeURIComponent(type)}`), 200);
    assert.equal(listed?.name, name);
    await expectProblem(await post({ name: '😀'.repeat(201), type: 't' }), 400, ['/name']);
  });
});

describe('bad input → 4xx problem+json naming the field, never 500', () => {
  const invalid: [string, unknown, string[]][] = [
    ['missing name', { type: 't' }, ['/name']],
    ['missing type', { name: 'n' }, ['/type']],
    ['both missing', {}, ['/name', '/type']],
    ['name a number', { name: 5, type: 't' }, ['/name']],
    ['type a boolean', { name: 'n', type: true }, ['/type']],
    ['name null', { name: null, type: 't' }, ['/name']],
    ['name an array', { name: ['n'], type: 't' }, ['/name']],
    ['name an object', { name: { x: 1 }, type: 't' }, ['/name']],
    ['empty name', { name: '', type: 't' }, ['/name']],
    ['empty type', { name: 'n', type: '' }, ['/type']],
    ['blank name', { name: '   ', type: 't' }, ['/name']],
    ['blank type (tabs, newlines)', { name: 'n', type: '\t\n ' }, ['/type']],
    ['name of 201 characters', { name: 'x'.repeat(201), type: 't' }, ['/name']],
    ['type of 201 characters', { name: 'n', type: 'y'.repeat(201) }, ['/type']],
    ['name of 201 astral code points', { name: '𝔸'.repeat(201), type: 't' }, ['/name']],
    ['unknown field', { name: 'n', type: 't', colour: 'red' }, ['/colour']],
    ['id is not writable', { id: 7, name: 'n', type: 't' }, ['/id']],
    ['population a string', { name: 'n', type: 't', population: '12' }, ['/population']],
    ['population negative', { name: 'n', type: 't', population: -1 }, ['/population']],
    ['population fractional', { name: 'n', type: 't', population: 1.5 }, ['/population']],
    ['latitude out of range', { name: 'n', type: 't', location: { lat: 91, lng: 0 } }, ['/location/lat']],
    ['longitude missing', { name: 'n', type: 't', location: { lat: 1 } }, ['/location/lng']],
    ['country not ISO alpha-2', { name: 'n', type: 't', country: 'France' }, ['/country']],
  ];
  for (const [what, body, paths] of invalid) {
    test(`POST ${what} → 400 ${paths.join(', ')}`, async () => {
      const p = await expectProblem(await post(body), 400, paths);
      assert.ok((p.errors ?? []).length >= paths.length);
    });
  }

  test('exactly 200 characters is accepted (boundary)', async () => {
    await expectJson(await post({ name: 'x'.repeat(200), type: 'y'.repeat(200) }), 201);
  });

  for (const [what, text] of [
    ['truncated JSON', '{"name": "n", "type":'], ['not JSON at all', 'name=n&type=t'], ['trailing garbage', '{"name":"n","type":"t"} x'],
    ['an empty body', ''], ['a JSON array', '[{"name":"n","type":"t"}]'], ['JSON null', 'null'], ['a JSON string', '"n"'], ['a JSON number', '42'],
    ['invalid UTF-8 in a string', Buffer.concat([Buffer.from('{"name":"'), Buffer.from([0xff, 0xfe]), Buffer.from('","type":"t"}')])],
  ] as const) {
    test(`POST with ${what} → 400`, async () => {
      const body = typeof text === 'string' ? text : new Uint8Array(text);
      await expectProblem(await fetch(`${url}/areas`, { method: 'POST', headers: { 'content-type': 'application/json' }, body }), 400);
    });
  }

  for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/jsonp']) {
    test(`POST with Content-Type ${type} → 415`, async () => {
      await expectProblem(await post({ name: 'n', type: 't' }, { 'content-type': type }), 415);
    });
  }
  test('POST without Content-Type → 415', async () => {
    await expectProblem(await fetch(`${url}/areas`, { method: 'POST', body: new Uint8Array(Buffer.from('{"name":"n","type":"t"}')) }), 415);
  });
  test('PATCH with Content-Type text/plain → 415', async () => {
    const a = await create({ name: 'n', type: uniqueType('415') });
    await expectProblem(await patch(a.id, { name: 'm' }, { 'content-type': 'text/plain' }), 415);
  });

  test('a 400 does not create anything', async () => {
    const type = uniqueType('no-create');
    await expectProblem(await post({ name: '', type }), 400, ['/name']);
    await expectProblem(await post({ name: 'n', type, extra: 1 }), 400, ['/extra']);
    assert.deepEqual(await expectJson(await fetch(`${url}/areas?type=${type}`), 200), []);
  });

  describe('body size (BODY_LIMIT = 1 MiB)', () => {
    /** A JSON body of exactly `bytes` bytes with an unknown `pad` field (so it is a 400 once read). */
    const paddedBody = (bytes: number) => {
      const head = '{"name":"n","type":"t","pad":"';
      return `${head}${'x'.repeat(bytes - head.length - 2)}"}`;
    };

    test('exactly 1 MiB is read and validated (400 unknown field, not 413)', async () => {
      const body = paddedBody(MiB);
      assert.equal(Buffer.byteLength(body), MiB);
      await expectProblem(await post(body), 400, ['/pad']);
    });

    test('Content-Length: 1 MiB + 1 → 413 at once, before the body is sent, with Connection: close', async () => {
      // The server then drains the body it was announced (test/integration/http-limits.test.ts).
      const r = await rawExchange(server.port, [requestHead('POST', '/areas', ['Content-Type: application/json', `Content-Length: ${MiB + 1}`])], 1000);
      assert.equal(r.status, 413);
      checkProblem(r.headers['content-type'], r.body, 413);
      assert.equal(r.headers.connection, 'close', 'the connection is not kept (the body is unread)');
    });

    test('2 MiB via fetch → 413, never a 2xx', async () => {
      await expectProblem(await post(paddedBody(2 * MiB)), 413);
    });

    test('a lying Content-Length (10 declared, 2 MiB sent) creates nothing, does not hang, the server survives', async () => {
      const type = uniqueType('lie');
      const body = JSON.stringify({ name: 'n', type }).padEnd(2 * MiB, ' ');
      const r = await rawExchange(server.port, [requestHead('POST', '/areas', ['Content-Type: application/json', 'Content-Length: 10']), body]);
      assert.notEqual(r.end, 'timeout', 'the server ends the connection');
      if (r.status !== undefined) assert.ok(r.status >= 400 && r.status < 500, `status ${r.status}`);
      assert.deepEqual(await expectJson(await fetch(`${url}/areas?type=${type}`), 200), []);
      assert.deepEqual(await expectJson(await fetch(`${url}/health`), 200), { status: 'ok' });
    });

    test('a POST without a body (Content-Length: 0) → 400 malformed', async () => {
      const r = await rawExchange(server.port, [requestHead('POST', '/areas', ['Content-Type: application/json', 'Content-Length: 0', 'Connection: close'])]);
      assert.equal(r.status, 400);
      checkProblem(r.headers['content-type'], r.body, 400);
    });
  });

  describe('routing', () => {
    for (const path of ['/', '/nope', '/areas/1/extra', '/area', '/areas/1/2', '/AREAS']) {
      test(`unknown route GET ${path} → 404 problem`, async () => {
        await expectProblem(await fetch(`${url}${path}`), 404);
      });
    }
    test('unknown route with a body → 404 problem', async () => {
      await expectProblem(await sendJson(`${url}/nope`, 'POST', { a: 1 }), 404);
    });
    const allowed: [string, string, string[]][] = [
      ['PUT', '/areas', ['GET', 'HEAD', 'POST']],
      ['DELETE', '/areas', ['GET', 'HEAD', 'POST']],
      ['PATCH', '/areas', ['GET', 'HEAD', 'POST']],
      ['PUT', '/areas/1', ['DELETE', 'GET', 'HEAD', 'PATCH']],
      ['POST', '/areas/1', ['DELETE', 'GET', 'HEAD', 'PATCH']],
      ['DELETE', '/health', ['GET', 'HEAD']],
    ];
    for (const [method, path, allow] of allowed) {
      test(`${method} ${path} → 405 with Allow: ${allow.join(', ')}`, async () => {
        const res = await sendJson(`${url}${path}`, method, { name: 'n', type: 't' });
        await expectProblem(res, 405);
        assert.deepEqual(res.headers.get('allow')?.split(/,\s*/).sort(), allow);
      });
    }
  });
});

describe('GET /areas/{id}', () => {
  test('200 with the area as created', async () => {
    const a = await create({ name: 'Nice', type: uniqueType('get') });
    assert.deepEqual(await expectJson(await getArea(a.id), 200), a);
  });
  test('unknown id → 404 problem', async () => {
    await expectProblem(await getArea(987_654_321), 404);
  });
  for (const id of ['abc', '1.5', '0', '-1', '1e3', '%20', 'null', '0x10']) {
    test(`non-integer or non-positive id ${JSON.stringify(id)} → 400 naming /id`, async () => {
      await expectProblem(await getArea(id), 400, ['/id']);
    });
  }
  test('non-integer id on PATCH and DELETE → 400 naming /id', async () => {
    await expectProblem(await patch('abc', { name: 'n' }), 400, ['/id']);
    await expectProblem(await del('abc'), 400, ['/id']);
  });
});

describe('GET /areas: order, type filter, paging', () => {
  test('a JSON array ordered by id (all pages)', async () => {
    await createMany(uniqueType('order'), 3);
    const { items } = await collectPages<AreaJson>(`${url}/areas?limit=1000`);
    assert.ok(items.length >= 3);
    for (let i = 1; i < items.length; i++) assert.ok(items[i]!.id > items[i - 1]!.id, `ids out of order at ${i}`);
  });

  test('`type` filters exactly the areas of that type, in id order', async () => {
    const t1 = uniqueType('filter-a');
    const t2 = uniqueType('filter-b');
    const mine = [await create({ name: 'a1', type: t1 }), await create({ name: 'b1', type: t2 }), await create({ name: 'a2', type: t1 })];
    assert.deepEqual(await expectJson(await fetch(`${url}/areas?type=${t1}`), 200), [mine[0], mine[2]]);
    assert.deepEqual(await expectJson(await fetch(`${url}/areas?type=${t2}`), 200), [mine[1]]);
    assert.deepEqual(await expectJson(await fetch(`${url}/areas?type=${uniqueType('none')}`), 200), []);
  });

  test('`type` with spaces, & and non-ASCII characters: filtered, and kept intact through next links', async () => {
    const type = `ville d'été & co ${randomUUID()}`;
    const created = await createMany(type, 3);
    assert.deepEqual(await expectJson(await fetch(`${url}/areas?type=${encodeURIComponent(type)}`), 200), created);
    const { items, pages } = await collectPages<AreaJson>(`${url}/areas?type=${encodeURIComponent(type)}&limit=2`);
    assert.equal(pages, 2);
    assert.deepEqual(items, created);
  });

  test('default page size is 100, with a next link when more exist', async () => {
    const type = uniqueType('default-page');
    const areas: AreaJson[] = await Promise.all(Array.from({ length: 101 }, (_, i) => create({ name: `n${i}`, type })));
    areas.sort((a, b) => a.id - b.id);
    const res = await fetch(`${url}/areas?type=${type}`);
    const page = await expectJson<AreaJson[]>(res, 200);
    assert.deepEqual(page.map((a) => a.id), areas.slice(0, 100).map((a) => a.id));
    const next = nextLinkOf(res, url);
    assert.ok(next !== undefined, 'Link rel="next"');
    assert.deepEqual(await expectJson(await fetch(next), 200), [areas[100]]);
  });

  test('limit/after paging: Link rel="next" keeps the filter, links are followed to the end with no duplicate or gap', async () => {
    const type = uniqueType('paging');
    const created = await createMany(type, 23);
    const res = await fetch(`${url}/areas?type=${type}&limit=5`);
    const link = res.headers.get('link');
    assert.match(link ?? '', /^<\/areas\?[^>]*>; rel="next"$/);
    const next = new URL(nextLinkOf(res, url)!);
    assert.equal(next.searchParams.get('type'), type);
    assert.equal(next.searchParams.get('limit'), '5');
    assert.equal(next.searchParams.get('after'), String(created[4]!.id));
    const { items, pages } = await collectPages<AreaJson>(`${url}/areas?type=${type}&limit=5`);
    assert.equal(pages, 5);
    assert.deepEqual(items.map((a) => a.id), created.map((a) => a.id));
    assert.deepEqual(items, created);
  });

  test('a page that ends exactly at the last item has no next link', async () => {
    const type = uniqueType('exact');
    await createMany(type, 4);
    const { items, pages } = await collectPages<AreaJson>(`${url}/areas?type=${type}&limit=2`);
    assert.equal(items.length, 4);
    assert.ok(pages === 2 || pages === 3, `pages ${pages}`);
    const res = await fetch(`${url}/areas?type=${type}&limit=4`);
    assert.equal((await expectJson<AreaJson[]>(res, 200)).length, 4);
    assert.equal(res.headers.get('link'), null);
  });

  test('unfiltered paging over everything agrees with one big page', async () => {
    await createMany(uniqueType('all'), 5);
    const { items: paged, pages } = await collectPages<AreaJson>(`${url}/areas?limit=7`);
    const whole = await expectJson<AreaJson[]>(await fetch(`${url}/areas?limit=1000`), 200);
    assert.ok(whole.length < 1000, 'the test expects everything to fit on one page');
    assert.ok(pages > 1);
    assert.deepEqual(paged.map((a) => a.id), whole.map((a) => a.id));
    assert.equal(new Set(paged.map((a) => a.id)).size, paged.length, 'no duplicates');
  });

  test('after skips ids ≤ after, whatever exists; after past the end → [] with no link', async () => {
    const type = uniqueType('after');
    const [a, b, c] = await createMany(type, 3);
    assert.deepEqual(await expectJson(await fetch(`${url}/areas?type=${type}&after=${a!.id}`), 200), [b, c]);
    assert.deepEqual(await expectJson(await fetch(`${url}/areas?type=${type}&after=0`), 200), [a, b, c]);
    assert.equal((await del(b!.id)).status, 204);
    assert.deepEqual(await expectJson(await fetch(`${url}/areas?type=${type}&after=${b!.id}`), 200), [c], 'a deleted id still works as a cursor');
    const res = await fetch(`${url}/areas?after=${Number.MAX_SAFE_INTEGER}`);
    assert.deepEqual(await expectJson(res, 200), []);
    assert.equal(res.headers.get('link'), null);
  });

  test('limit bounds: 1 and 1000 are fine', async () => {
    assert.ok((await expectJson<AreaJson[]>(await fetch(`${url}/areas?limit=1`), 200)).length <= 1);
    await expectJson(await fetch(`${url}/areas?limit=1000`), 200);
  });

  for (const q of ['limit=0', 'limit=1001', 'limit=abc', 'limit=-1', 'limit=1.5', 'limit=', 'limit=1&limit=2']) {
    test(`${q} → 400 naming /limit`, async () => {
      await expectProblem(await fetch(`${url}/areas?${q}`), 400, ['/limit']);
    });
  }
  for (const q of ['after=abc', 'after=-1', 'after=1.5']) {
    test(`${q} → 400 naming /after`, async () => {
      await expectProblem(await fetch(`${url}/areas?${q}`), 400, ['/after']);
    });
  }
  test('type= (empty) → 400 naming /type', async () => {
    await expectProblem(await fetch(`${url}/areas?type=`), 400, ['/type']);
  });
});

describe('PATCH /areas/{id} (JSON merge patch)', () => {
  test('partial update: only the given fields change; created_at stays; updated_at moves forward', async () => {
    const a = await create({ name: 'Old', type: uniqueType('patch'), population: 10, country: 'FR' });
    const res = await patch(a.id, { name: 'New' });
    const b = await expectJson<AreaJson>(res, 200);
    assert.deepEqual({ ...b, updated_at: undefined }, { ...a, name: 'New', updated_at: undefined });
    assert.equal(b.created_at, a.created_at);
    assert.match(b.updated_at ?? '', ISO_MS);
    assert.ok(Date.parse(b.updated_at!) >= Date.parse(a.created_at));
    assert.deepEqual(await expectJson(await getArea(a.id), 200), b);
  });

  test('null removes optional fields (location, population, country)', async () => {
    const a = await create({ name: 'n', type: uniqueType('null'), location: { lat: 1, lng: 2 }, population: 5, country: 'DE' });
    const b = await expectJson<AreaJson>(await patch(a.id, { location: null, population: null }), 200);
    assert.equal('location' in b, false);
    assert.equal('population' in b, false);
    assert.equal(b.country, 'DE');
    const c = await expectJson<AreaJson>(await getArea(a.id), 200);
    assert.deepEqual(c, b);
  });

  test('null on name or type → 400 naming the field; nothing changes', async () => {
    const a = await create({ name: 'keep', type: uniqueType('nonnull') });
    await expectProblem(await patch(a.id, { name: null }), 400, ['/name']);
    await expectProblem(await patch(a.id, { type: null }), 400, ['/type']);
    assert.deepEqual(await expectJson(await getArea(a.id), 200), a);
  });

  test('changing type moves the area between type filters', async () => {
    const from = uniqueType('from');
    const to = uniqueType('to');
    const a = await create({ name: 'mover', type: from });
    const b = await expectJson<AreaJson>(await patch(a.id, { type: to }), 200);
    assert.deepEqual(await expectJson(await fetch(`${url}/areas?type=${from}`), 200), []);
    assert.deepEqual(await expectJson(await fetch(`${url}/areas?type=${to}`), 200), [b]);
  });

  test('application/merge-patch+json (RFC 7396) is accepted', async () => {
    const a = await create({ name: 'n', type: uniqueType('mergepatch') });
    const b = await expectJson<AreaJson>(await patch(a.id, { name: 'm' }, { 'content-type': 'application/merge-patch+json' }), 200);
    assert.equal(b.name, 'm');
  });

  test('an empty patch changes nothing visible but the area', async () => {
    const a = await create({ name: 'n', type: uniqueType('empty-patch') });
    const b = await expectJson<AreaJson>(await patch(a.id, {}), 200);
    assert.deepEqual({ ...b, updated_at: undefined }, { ...a, updated_at: undefined });
  });

  test('invalid patches → 400 naming the field', async () => {
    const a = await create({ name: 'n', type: uniqueType('bad-patch') });
    await expectProblem(await patch(a.id, { name: '' }), 400, ['/name']);
    await expectProblem(await patch(a.id, { name: 'x'.repeat(201) }), 400, ['/name']);
    await expectProblem(await patch(a.id, { type: 7 }), 400, ['/type']);
    await expectProblem(await patch(a.id, { id: 99 }), 400, ['/id']);
    await expectProblem(await patch(a.id, { created_at: '2020-01-01T00:00:00.000Z' }), 400, ['/created_at']);
    await expectProblem(await patch(a.id, { location: { lat: 'x', lng: 0 } }), 400, ['/location/lat']);
    await expectProblem(await patch(a.id, '{"name":'), 400);
    await expectProblem(await patch(a.id, '[]'), 400);
    assert.deepEqual(await expectJson(await getArea(a.id), 200), a);
  });

  test('unknown id → 404', async () => {
    await expectProblem(await patch(987_654_321, { name: 'n' }), 404);
  });
});

describe('DELETE /areas/{id}', () => {
  test('204 with no body and no Content-Length (RFC 9110 §8.6), then 404 on GET, PATCH and DELETE', async () => {
    const a = await create({ name: 'n', type: uniqueType('delete') });
    const res = await del(a.id);
    assert.equal(res.status, 204);
    assert.equal(res.headers.get('content-length'), null);
    assert.equal(res.headers.get('content-type'), null);
    assert.equal(await res.text(), '');
    await expectProblem(await getArea(a.id), 404);
    await expectProblem(await patch(a.id, { name: 'm' }), 404);
    await expectProblem(await del(a.id), 404);
  });

  test('the connection stays usable after a 204 (raw keep-alive: next response parses)', async () => {
    const a = await create({ name: 'n', type: uniqueType('keepalive') });
    const [deleted, after] = await rawSequence(server.port, [requestHead('DELETE', `/areas/${a.id}`, []), requestHead('GET', `/areas/${a.id}`, [])]);
    assert.equal(deleted?.status, 204);
    assert.equal(deleted.headers['content-length'], undefined);
    assert.equal(after?.status, 404);
    checkProblem(after.headers['content-type'], after.body, 404);
  });

  test('ids are never reused after a delete', async () => {
    const type = uniqueType('reuse');
    const [a, b] = await createMany(type, 2);
    assert.equal((await del(b!.id)).status, 204);
    assert.equal((await del(a!.id)).status, 204);
    const c = await create({ name: 'n', type });
    assert.ok(c.id > b!.id, `new id ${c.id} must be above the deleted ${b!.id}`);
  });

  test('a deleted area leaves its type listing', async () => {
    const type = uniqueType('gone');
    const [a, b] = await createMany(type, 2);
    assert.equal((await del(a!.id)).status, 204);
    assert.deepEqual(await expectJson(await fetch(`${url}/areas?type=${type}`), 200), [b]);
  });
});

describe('Idempotency-Key', () => {
  test('same key and body → the same response with Idempotent-Replayed: true, and no second area', async () => {
    const type = uniqueType('idem');
    const key = randomUUID();
    const first = await post({ name: 'once', type }, { 'idempotency-key': key });
    const a = await expectJson<AreaJson>(first, 201);
    assert.equal(first.headers.get('idempotent-replayed'), null);
    const second = await post({ name: 'once', type }, { 'idempotency-key': key });
    assert.deepEqual(await expectJson(second, 201), a);
    assert.equal(second.headers.get('idempotent-replayed'), 'true');
    assert.equal(second.headers.get('location'), `/areas/${a.id}`);
    assert.deepEqual(await expectJson(await fetch(`${url}/areas?type=${type}`), 200), [a]);
  });

  test('the same body with other spacing is the same body', async () => {
    const type = uniqueType('idem-space');
    const key = randomUUID();
    const a = await expectJson<AreaJson>(await post(`{"name":"n","type":"${type}"}`, { 'idempotency-key': key }), 201);
    const res = await post(`{\n  "name" : "n",\n  "type" : "${type}"\n}`, { 'idempotency-key': key });
    assert.deepEqual(await expectJson(res, 201), a);
    assert.equal(res.headers.get('idempotent-replayed'), 'true');
  });

  test('the same body with its members in another order is the same body (JSON objects are unordered, RFC 8259 §4)', async () => {
    const type = uniqueType('idem-order');
    const key = randomUUID();
    const a = await expectJson<AreaJson>(await post(`{"name":"n","type":"${type}"}`, { 'idempotency-key': key }), 201);
    const res = await post(`{"type":"${type}","name":"n"}`, { 'idempotency-key': key });
    assert.deepEqual(await expectJson(res, 201), a);
  });

  test('same key, another body → 409; the first area is untouched and no other is made', async () => {
    const type = uniqueType('idem-409');
    const key = randomUUID();
    const a = await expectJson<AreaJson>(await post({ name: 'first', type }, { 'idempotency-key': key }), 201);
    await expectProblem(await post({ name: 'second', type }, { 'idempotency-key': key }), 409);
    assert.deepEqual(await expectJson(await fetch(`${url}/areas?type=${type}`), 200), [a]);
  });

  test('20 concurrent retries with one key create exactly one area, all answers equal', async () => {
    const type = uniqueType('idem-race');
    const key = randomUUID();
    const replies = await Promise.all(Array.from({ length: 20 }, () => post({ name: 'race', type }, { 'idempotency-key': key })));
    const bodies = await Promise.all(replies.map((r) => expectJson<AreaJson>(r, 201)));
    assert.equal(new Set(bodies.map((b) => b.id)).size, 1);
    assert.equal(replies.filter((r) => r.headers.get('idempotent-replayed') === null).length, 1, 'exactly one did the work');
    assert.equal((await expectJson<AreaJson[]>(await fetch(`${url}/areas?type=${type}`), 200)).length, 1);
  });

  test('different keys → different areas', async () => {
    const type = uniqueType('idem-two');
    const a = await expectJson<AreaJson>(await post({ name: 'n', type }, { 'idempotency-key': randomUUID() }), 201);
    const b = await expectJson<AreaJson>(await post({ name: 'n', type }, { 'idempotency-key': randomUUID() }), 201);
    assert.notEqual(a.id, b.id);
  });

  test('a 400 is not recorded under the key: a corrected retry goes through', async () => {
    const key = randomUUID();
    await expectProblem(await post({ name: '', type: 't' }, { 'idempotency-key': key }), 400, ['/name']);
    await expectJson(await post({ name: 'fixed', type: uniqueType('idem-fix') }, { 'idempotency-key': key }), 201);
  });

  test('a DELETE retried with its key answers 204 again (replayed) instead of 404', async () => {
    const a = await create({ name: 'n', type: uniqueType('idem-del') });
    const key = randomUUID();
    assert.equal((await del(a.id, { 'idempotency-key': key })).status, 204);
    const retry = await del(a.id, { 'idempotency-key': key });
    assert.equal(retry.status, 204);
    assert.equal(retry.headers.get('idempotent-replayed'), 'true');
    await expectProblem(await del(a.id), 404);
  });

  test('255 characters is accepted; 256 → 400 naming the header', async () => {
    await expectJson(await post({ name: 'n', type: uniqueType('idem-255') }, { 'idempotency-key': 'k'.repeat(255) }), 201);
    const type = uniqueType('idem-256');
    await expectProblem(await post({ name: 'n', type }, { 'idempotency-key': 'k'.repeat(256) }), 400, ['/Idempotency-Key']);
    assert.deepEqual(await expectJson(await fetch(`${url}/areas?type=${type}`), 200), []);
  });
});

describe('concurrency and read-your-write', () => {
  test('200 concurrent creates from 200 connections: all 201, ids distinct, each readable', async () => {
    const type = uniqueType('concurrent');
    const clients = Array.from({ length: 200 }, () => new Agent({ connections: 1 }));
    try {
      const replies = await Promise.all(clients.map((dispatcher, i) => undiciFetch(`${url}/areas`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: `c${i}`, type }), dispatcher,
      })));
      const areas = await Promise.all(replies.map(async (r) => {
        assert.equal(r.status, 201);
        return (await r.json()) as AreaJson;
      }));
      assert.equal(new Set(areas.map((a) => a.id)).size, 200, 'ids are distinct');
      assert.deepEqual(areas.map((a) => a.name).sort(), Array.from({ length: 200 }, (_, i) => `c${i}`).sort());
      const listed = await collectPages<AreaJson>(`${url}/areas?type=${type}&limit=64`);
      assert.deepEqual(listed.items.map((a) => a.id), areas.map((a) => a.id).sort((x, y) => x - y));
      for (const a of areas) assert.deepEqual(await expectJson(await getArea(a.id), 200), a);
    } finally {
      await Promise.all(clients.map((c) => c.close()));
    }
  });

  test('read-your-write: POST then GET, PATCH then GET, DELETE then GET, each immediately, 25 times', async () => {
    const type = uniqueType('ryw');
    for (let i = 0; i < 25; i++) {
      const a = await create({ name: `v0-${i}`, type });
      assert.deepEqual(await expectJson(await getArea(a.id), 200), a);
      const listed = await expectJson<AreaJson[]>(await fetch(`${url}/areas?type=${type}&after=${a.id - 1}`), 200);
      assert.deepEqual(listed, [a]);
      const b = await expectJson<AreaJson>(await patch(a.id, { name: `v1-${i}` }), 200);
      assert.deepEqual(await expectJson(await getArea(a.id), 200), b);
      assert.equal((await del(a.id)).status, 204);
      await expectProblem(await getArea(a.id), 404);
    }
    assert.deepEqual(await expectJson(await fetch(`${url}/areas?type=${type}`), 200), []);
  });

  test('concurrent PATCHes of different fields of one area: no update is lost', async () => {
    const a = await create({ name: 'n', type: uniqueType('patch-race') });
    const patches = [{ name: 'renamed' }, { population: 42 }, { country: 'IT' }, { location: { lat: 45.4, lng: 9.2 } }];
    const replies = await Promise.all(patches.map((p) => patch(a.id, p)));
    for (const r of replies) await expectJson(r, 200);
    const now = await expectJson<AreaJson>(await getArea(a.id), 200);
    assert.deepEqual({ name: now.name, population: now.population, country: now.country, location: now.location },
      { name: 'renamed', population: 42, country: 'IT', location: { lat: 45.4, lng: 9.2 } });
  });
});
