/**
 * `GET /openapi.json`: a valid OpenAPI 3.1 document that describes exactly the routes the server
 * serves, with schemas that agree with what the server accepts and answers.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import SwaggerParser from '@apidevtools/swagger-parser';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { startServer, type TestServer } from '../helpers/server.ts';
import { expectJson, sendJson, type AreaJson } from '../helpers/http.ts';

type Json = Record<string, unknown>;
interface Operation {
  operationId?: string;
  parameters?: { name: string; in: string; required?: boolean; schema: Json }[];
  requestBody?: { content: Record<string, { schema: Json }> };
  responses: Record<string, { content?: Record<string, { schema: Json }> }>;
}
type Paths = Record<string, Record<string, Operation>>;

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace'] as const;

/**
 * Every HTTP operation of ../shared/API.md on the public listener (not `/ws`, not the admin listener,
 * not the `/proxy/*` catch-all), in OpenAPI path syntax. Those the server serves must be documented.
 */
const CONTRACT: readonly (readonly [string, string])[] = [
  ['get', '/health'],
  ['post', '/areas'], ['get', '/areas'], ['get', '/areas/{id}'], ['patch', '/areas/{id}'], ['delete', '/areas/{id}'],
  ['get', '/aggregate/areas'],
  ['post', '/auth/register'], ['post', '/auth/login'], ['post', '/auth/refresh'], ['post', '/auth/logout'],
  ['get', '/me'], ['patch', '/me'], ['get', '/me/export'], ['delete', '/me'],
  ['post', '/partners'], ['get', '/partners'], ['get', '/partners/{id}'], ['patch', '/partners/{id}'], ['delete', '/partners/{id}'],
  ['get', '/partners/{id}/members'], ['post', '/partners/{id}/members'], ['delete', '/partners/{id}/members/{user_id}'],
  ['post', '/partners/{id}/establishments'], ['get', '/partners/{id}/establishments'],
  ['get', '/establishments/{id}'], ['patch', '/establishments/{id}'], ['delete', '/establishments/{id}'],
  ['post', '/offers'], ['get', '/offers'], ['get', '/offers/{id}'], ['patch', '/offers/{id}'], ['delete', '/offers/{id}'],
  ['get', '/categories'],
  ['put', '/me/favorites/{offer_id}'], ['delete', '/me/favorites/{offer_id}'], ['get', '/me/favorites'],
  ['post', '/bookings'], ['get', '/bookings/{id}'], ['post', '/bookings/{id}/confirm'], ['post', '/bookings/{id}/check-in'],
  ['post', '/bookings/{id}/cancel'], ['get', '/bookings/{id}/qr.svg'], ['get', '/me/bookings'], ['get', '/partners/{id}/bookings'],
];
/** The seed contract (Health, Areas): served now, so it must be documented now. */
const SEED = CONTRACT.slice(0, 6);

let server: TestServer;
let doc: Json;
/** `doc` with every `$ref` resolved (SwaggerParser.dereference). */
let resolved: { paths: Paths };
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats.default(ajv);

before(async () => {
  server = await startServer();
  const res = await fetch(`${server.url}/openapi.json`);
  doc = await expectJson<Json>(res, 200);
  resolved = (await SwaggerParser.dereference(structuredClone(doc) as never)) as unknown as { paths: Paths };
});
after(async () => {
  await server.dispose();
});

/** Fills path parameters with values that name nothing: an integer for areas, a UUIDv7-shaped string elsewhere. */
const concrete = (path: string) =>
  path.replace(/^\/areas\/\{id\}/, '/areas/987654321').replace(/\{[a-z_]+\}/g, '0190a5e0-0000-7000-8000-000000000000');

/**
 * True when the server has a route for `method path`: anything but its route-level 404
 * (`No route matches …`) or a 405. Probes carry no credentials and an empty object body, so they
 * change nothing (at worst a 400, 401 or a 404 about the resource).
 */
async function served(method: string, path: string): Promise<boolean> {
  const res = await fetch(`${server.url}${concrete(path)}`, {
    method: method.toUpperCase(),
    ...(method === 'get' || method === 'delete' ? {} : { headers: { 'content-type': 'application/json' }, body: '{}' }),
  });
  const text = await res.text();
  if (res.status === 405) return false;
  if (res.status === 404) return !(JSON.parse(text) as { detail?: string }).detail?.startsWith('No route matches');
  assert.ok(res.status < 500, `${method} ${path} → ${res.status}: ${text}`);
  return true;
}

function operation(method: string, path: string): Operation {
  const op = resolved.paths[path]?.[method];
  assert.ok(op !== undefined, `${method.toUpperCase()} ${path} is not in the document`);
  return op;
}
/** Compiled JSON Schema of the `application/json` (or problem+json) body of a response. */
function responseSchema(method: string, path: string, status: number, type = 'application/json') {
  const schema = operation(method, path).responses[String(status)]?.content?.[type]?.schema;
  assert.ok(schema !== undefined, `${method} ${path} documents no ${type} body for ${status}`);
  return ajv.compile(schema);
}
/** Asserts that `value` satisfies the documented schema. */
function assertMatches(validate: ReturnType<typeof ajv.compile>, value: unknown, what: string): void {
  assert.ok(validate(value), `${what} does not match the document: ${JSON.stringify(validate.errors)}\n${JSON.stringify(value)}`);
}

describe('the document', () => {
  test('is served as JSON and declares OpenAPI 3.1', () => {
    assert.match(String(doc.openapi), /^3\.1\.\d+$/);
    assert.equal(typeof (doc.info as Json).title, 'string');
    assert.equal(typeof (doc.info as Json).version, 'string');
  });

  test('is valid according to @apidevtools/swagger-parser', async () => {
    await SwaggerParser.validate(structuredClone(doc) as never);
  });

  test('operationIds are unique', () => {
    const ids = Object.values(resolved.paths).flatMap((ops) => METHODS.flatMap((m) => (ops[m]?.operationId === undefined ? [] : [ops[m].operationId])));
    assert.equal(new Set(ids).size, ids.length, ids.join(', '));
  });

  test('every error response is application/problem+json with a problem schema (but /health 503, a Health body)', () => {
    for (const [path, ops] of Object.entries(resolved.paths)) {
      for (const m of METHODS) {
        for (const [status, resp] of Object.entries(ops[m]?.responses ?? {})) {
          if (Number(status) < 400 || (path === '/health' && status === '503')) continue;
          const schema = resp.content?.['application/problem+json']?.schema;
          assert.ok(schema !== undefined, `${m} ${path} ${status} is not problem+json`);
          const sample = { type: 'https://sortie.dev/problems/x', title: 'X', status: Number(status), errors: [{ path: '/x', message: 'm' }] };
          assertMatches(ajv.compile(schema), sample, `${m} ${path} ${status}`);
          assert.equal(ajv.validate(schema, { title: 'X', status: Number(status) }), false, `${m} ${path} ${status} must require type`);
        }
      }
    }
    assertMatches(responseSchema('get', '/health', 503), { status: 'stopping' }, 'GET /health 503');
  });
});

describe('routes', () => {
  test('the seed contract (Health, Areas) is documented', () => {
    for (const [method, path] of SEED) operation(method, path);
  });

  test('every contract route the server serves is documented, and every documented route is served', async () => {
    const documented = new Set(Object.entries(resolved.paths).flatMap(([p, ops]) => METHODS.filter((m) => ops[m] !== undefined).map((m) => `${m} ${p}`)));
    for (const [method, path] of CONTRACT) {
      const isServed = await served(method, path);
      assert.equal(documented.has(`${method} ${path}`), isServed, `${method.toUpperCase()} ${path}: served ${isServed}, documented ${!isServed}`);
    }
    for (const op of documented) {
      const [method, path] = op.split(' ') as [string, string];
      assert.ok(await served(method, path), `${op} is documented but not served`);
    }
  });

  test('Areas: documented statuses', () => {
    const statuses = (m: string, p: string) => Object.keys(operation(m, p).responses).map(Number);
    const has = (m: string, p: string, want: number[]) => {
      for (const s of want) assert.ok(statuses(m, p).includes(s), `${m} ${p} should document ${s}; has ${statuses(m, p).join(', ')}`);
    };
    has('get', '/health', [200, 503]);
    has('post', '/areas', [201, 400, 413, 415]);
    has('get', '/areas', [200, 400]);
    has('get', '/areas/{id}', [200, 400, 404]);
    has('patch', '/areas/{id}', [200, 400, 404, 415]);
    has('delete', '/areas/{id}', [204, 404]);
  });

  test('Areas: parameters (id, type/after/limit, Idempotency-Key)', () => {
    const param = (m: string, p: string, name: string) => {
      const found = operation(m, p).parameters?.find((x) => x.name === name);
      assert.ok(found !== undefined, `${m} ${p} has no parameter ${name}`);
      return found;
    };
    for (const m of ['get', 'patch', 'delete']) {
      const id = param(m, '/areas/{id}', 'id');
      assert.equal(id.in, 'path');
      assert.equal(id.required, true);
      assert.equal(id.schema.type, 'integer');
    }
    const limit = param('get', '/areas', 'limit');
    assert.equal(limit.in, 'query');
    assert.deepEqual([limit.schema.minimum, limit.schema.maximum, limit.schema.default], [1, 1000, 100]);
    assert.equal(param('get', '/areas', 'after').schema.type, 'integer');
    assert.equal(param('get', '/areas', 'type').in, 'query');
    const key = param('post', '/areas', 'Idempotency-Key');
    assert.equal(key.in, 'header');
    assert.equal(key.schema.maxLength, 255);
  });
});

describe('schemas agree with the server', () => {
  test('POST /areas: the documented body schema accepts exactly what the server accepts', async () => {
    const body = operation('post', '/areas').requestBody?.content['application/json']?.schema;
    assert.ok(body !== undefined);
    const validBody = ajv.compile(body);
    const type = `oa-${randomUUID()}`;
    const candidates: unknown[] = [
      { name: 'n', type }, { name: 'é'.repeat(200), type }, { name: 'n', type, location: { lat: 1, lng: 2 }, population: 3, country: 'FR' },
      { name: '', type }, { name: ' ', type }, { name: 'x'.repeat(201), type }, { name: 'n' }, { name: 'n', type, extra: 1 },
      { name: 5, type }, { name: 'n', type, population: -1 }, { name: 'n', type, country: 'fr' }, { name: 'n', type, location: { lat: 100, lng: 0 } },
    ];
    for (const c of candidates) {
      const res = await sendJson(`${server.url}/areas`, 'POST', c);
      await res.text();
      assert.ok(res.status === 201 || res.status === 400, `status ${res.status}`);
      assert.equal(validBody(c), res.status === 201, `${JSON.stringify(c)}: document says ${validBody(c)}, server answered ${res.status}`);
    }
  });

  test('PATCH /areas/{id}: the documented merge patch schema accepts exactly what the server accepts', async () => {
    const body = operation('patch', '/areas/{id}').requestBody?.content['application/json']?.schema;
    assert.ok(body !== undefined);
    const validBody = ajv.compile(body);
    const area = await expectJson<AreaJson>(await sendJson(`${server.url}/areas`, 'POST', { name: 'n', type: `oa-${randomUUID()}` }), 201);
    for (const c of [{}, { name: 'm' }, { population: null }, { location: null }, { name: null }, { type: null }, { id: 1 }, { name: '' }, { population: 'x' }]) {
      const res = await sendJson(`${server.url}/areas/${area.id}`, 'PATCH', c);
      await res.text();
      assert.equal(validBody(c), res.status === 200, `${JSON.stringify(c)}: document says ${validBody(c)}, server answered ${res.status}`);
    }
  });

  test('responses of every Areas and Health operation match their documented schemas', async () => {
    assertMatches(responseSchema('get', '/health', 200), await expectJson(await fetch(`${server.url}/health`), 200), 'GET /health');
    const created = await expectJson<AreaJson>(await sendJson(`${server.url}/areas`, 'POST',
      { name: 'Rennes', type: `oa-${randomUUID()}`, location: { lat: 48.11, lng: -1.68 }, population: 220_000, country: 'FR' }), 201);
    assertMatches(responseSchema('post', '/areas', 201), created, 'POST /areas');
    assertMatches(responseSchema('get', '/areas/{id}', 200), await expectJson(await fetch(`${server.url}/areas/${created.id}`), 200), 'GET /areas/{id}');
    assertMatches(responseSchema('get', '/areas', 200), await expectJson(await fetch(`${server.url}/areas?limit=1000`), 200), 'GET /areas');
    const patched = await expectJson(await sendJson(`${server.url}/areas/${created.id}`, 'PATCH', { population: null }), 200);
    assertMatches(responseSchema('patch', '/areas/{id}', 200), patched, 'PATCH /areas/{id}');
  });

  test('error bodies match the documented Problem schema', async () => {
    const cases: [string, string, number, () => Promise<Response>][] = [
      ['post', '/areas', 400, () => sendJson(`${server.url}/areas`, 'POST', { name: '' })],
      ['post', '/areas', 415, () => sendJson(`${server.url}/areas`, 'POST', { name: 'n', type: 't' }, { 'content-type': 'text/plain' })],
      ['get', '/areas', 400, () => fetch(`${server.url}/areas?limit=0`)],
      ['get', '/areas/{id}', 400, () => fetch(`${server.url}/areas/abc`)],
      ['get', '/areas/{id}', 404, () => fetch(`${server.url}/areas/987654321`)],
      ['patch', '/areas/{id}', 404, () => sendJson(`${server.url}/areas/987654321`, 'PATCH', { name: 'n' })],
      ['delete', '/areas/{id}', 404, () => fetch(`${server.url}/areas/987654321`, { method: 'DELETE' })],
    ];
    for (const [m, p, status, send] of cases) {
      const res = await send();
      assert.equal(res.status, status);
      assertMatches(responseSchema(m, p, status, 'application/problem+json'), await res.json(), `${m} ${p} ${status}`);
    }
  });
});
