/**
 * Generated HTTP requests: for every operation of the surface, its method (or another), its path with
 * world ids, random UUIDs or encoded junk in the parameters, query parameters of the right names with
 * good and bad values, a body mutated from a valid one or replaced by junk bytes, and hostile headers
 * (Authorization, Content-Type, Idempotency-Key, Accept). A few cases go to paths no route matches.
 */
import fc from 'fast-check';
import { mutated, junkValue } from './mutations.ts';
import { poolOf, schemaValue, worldRef } from './schema-values.ts';
import type { Operation, ParamSpec } from './surface.ts';
import { materialize, RawJson, Template, toJsonText, WorldRef, type Lookup } from './symbols.ts';

/** A request body: a value sent as JSON text, or bytes sent as they are. */
export type CaseBody = { json: unknown } | { bytes: string | Buffer };

/** One generated request, with WorldRefs still unresolved. */
export interface HttpCase {
  /** Label for statistics: `PATCH /areas/{id}` of the operation it was drawn from, or `(no route)`. */
  label: string;
  method: string;
  /** Path segments (already percent-encoded) or world values (encoded when resolved); `suffix` is appended as is. */
  segments: (string | WorldRef)[];
  suffix: string;
  query: [string, unknown][];
  rawQuery: string;
  headers: Record<string, string | Template>;
  body: CaseBody | undefined;
}

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
/** A header value this client can send (no CR, LF or NUL): printable ASCII and Latin-1. */
const headerText = (max: number) => fc.string({ unit: fc.oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.integer({ min: 0xa0, max: 0xff })).map((c) => String.fromCharCode(c)), maxLength: max });

const junkSegment = fc.oneof(
  fc.constantFrom('%00', '..', '.', '%2e%2e', '%2F', '%2f..%2f', '%c0%ae%c0%ae', '%ff%fe', '%', '%zz', '-1', '0', '1e3', '1.5', '9007199254740993',
    '99999999999999999999', '%20', 'null', 'NaN', '%E2%80%AE', '00000000-0000-0000-0000-000000000000', ';', ',', '~', '*'),
  fc.integer({ min: 100, max: 1000 }).map((n) => 'a'.repeat(n)),
  fc.string({ unit: 'grapheme', maxLength: 12 }).map(encodeURIComponent),
  fc.uuid().map((u) => u.toUpperCase()),
);

/**
 * Junk short enough for a request head: the request line and header fields must stay within the
 * documented 4 KiB (beyond, uWS may close the connection without an answer: README, "Known limits").
 */
const shortJunk = junkValue.filter((v) => !(typeof v === 'string' && v.length > 500) && !(v instanceof RawJson && v.text.length > 500));

/** A path parameter: mostly the world's id of the right kind, else a UUIDv7, an integer or junk. */
function pathValue(p: ParamSpec, resource: string): fc.Arbitrary<string | WorldRef> {
  const pool = poolOf({ field: p.name, resource });
  const own = fc.oneof(fc.uuid({ version: 7 }), fc.integer({ min: 1, max: 100_000 }).map(String), junkSegment);
  return pool === undefined ? own : fc.oneof({ arbitrary: worldRef(pool), weight: 3 }, { arbitrary: own, weight: 2 });
}

/** Query parameters of the operation (a random subset, good or bad values, maybe repeated) and maybe an unknown one. */
function queryOf(op: Operation, resource: string): fc.Arbitrary<[string, unknown][]> {
  const one = (p: ParamSpec) => fc.tuple(fc.constant(p.name), fc.oneof({ arbitrary: schemaValue(p.schema, { field: p.name, resource }), weight: 3 }, shortJunk));
  const known: fc.Arbitrary<[string, unknown][]> = op.query.length === 0 ? fc.constant([]) : fc.array(fc.oneof(...op.query.map(one)), { maxLength: 4 });
  return fc.tuple(known, fc.option(fc.tuple(fc.oneof(fc.constantFrom('__proto__', 'limit[]', 'access_token'), fc.string({ maxLength: 8 })), shortJunk), { freq: 4 }))
    .map(([k, extra]) => (extra === null ? k : [...k, extra]));
}

/** Mostly a token of the world (so requests get past the gate), else a near miss or junk. */
const authorization = fc.oneof(
  { arbitrary: fc.tuple(fc.constant('Bearer '), worldRef('access_tokens')).map((t) => new Template(t)), weight: 15 },
  fc.tuple(fc.constantFrom('bearer ', 'Bearer  ', 'BEARER ', 'Bearer\t'), worldRef('access_tokens')).map((t) => new Template(t)),
  fc.tuple(fc.constant('Bearer '), worldRef('access_tokens'), fc.constantFrom('x', '.', '==', ' ')).map((t) => new Template(t)),
  fc.tuple(fc.constant('Bearer '), worldRef('refresh_tokens')).map((t) => new Template(t)),
  fc.constantFrom('Bearer', 'Bearer ', 'Basic dXNlcjpwYXNz', 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.', 'Bearer a.b.c', `Bearer ${'A'.repeat(2000)}`),
  headerText(60).map((s) => `Bearer ${s}`),
);
const contentType = fc.oneof(
  { arbitrary: fc.constant('application/json'), weight: 20 },
  fc.constantFrom('application/json; charset=utf-8', 'APPLICATION/JSON', 'application/problem+json', 'application/merge-patch+json', 'text/plain',
    'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=utf-16', 'application/jsonx', 'application/json, text/html', ''),
  headerText(40),
);
const idempotencyKey = fc.oneof(fc.constantFrom('', 'k', 'x'.repeat(255), 'x'.repeat(256), 'é'.repeat(200)), headerText(40));
/** Headers; an operation documented with a bearer token mostly gets one (`auth`). */
const headers = (withBody: boolean, auth: boolean) => fc.record({
  authorization: fc.option(authorization, { freq: auth ? 12 : 3, nil: undefined }),
  'content-type': withBody ? fc.option(contentType, { freq: 20, nil: undefined }) : fc.constant(undefined),
  'idempotency-key': fc.option(idempotencyKey, { freq: 3, nil: undefined }),
  accept: fc.option(fc.oneof(fc.constantFrom('application/xml', 'text/html', '*/*', 'application/problem+json'), headerText(30)), { freq: 5, nil: undefined }),
  'x-forwarded-for': fc.option(fc.constantFrom('1.2.3.4', '::1', 'junk, 10.0.0.1', ''), { freq: 8, nil: undefined }),
  traceparent: fc.option(headerText(60), { freq: 8, nil: undefined }),
}, { requiredKeys: [] }).map((h) => Object.fromEntries(Object.entries(h).filter(([, v]) => v !== undefined)) as HttpCase['headers']);

/** Bodies no valid JSON object is: empty, not JSON, not an object, bad UTF-8 or another encoding, duplicate keys, BOM. */
const junkBody = fc.constantFrom<string | Buffer>('', ' ', 'null', '[]', '1', '"x"', '{', '{"a":1}x', 'not json', '{"a":1,"a":2}', '\ufeff{}',
  Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]), Buffer.from('{"name":"x","type":"y"}', 'utf16le'), Buffer.alloc(64), ' '.repeat(100_000) + '{}');

function bodyOf(op: Operation, resource: string, method: string): fc.Arbitrary<CaseBody | undefined> {
  if (method === 'GET' || method === 'HEAD') return fc.constant(undefined);
  const value = op.body === undefined ? junkValue : mutated(schemaValue(op.body, { field: '', resource }));
  return fc.oneof(
    { arbitrary: value.map((json) => ({ json })), weight: 8 },
    { arbitrary: junkBody.map((bytes) => ({ bytes })), weight: 1 },
    { arbitrary: fc.constant(undefined), weight: op.body === undefined ? 4 : 1 },
  );
}

/** The resource a path's parameters belong to: its first segment (`/partners/{id}/members` → `partners`). */
const resourceOf = (path: string) => path.split('/')[1] ?? '';

/** Requests drawn from `op`. */
function operationCase(op: Operation): fc.Arbitrary<HttpCase> {
  const resource = resourceOf(op.path);
  const parts = op.path.split('/').slice(1);
  const segments = fc.tuple(...parts.map((s, i) => {
    const m = /^\{(.+)\}$/.exec(s);
    if (m === null) return fc.constant(s);
    const spec = op.pathParams.find((p) => p.name === m[1]) ?? { name: m[1] as string, schema: {} };
    return pathValue(spec, spec.name === 'id' ? (parts[i - 1] ?? resource) : resource);
  }));
  const method = fc.oneof({ arbitrary: fc.constant(op.method), weight: 6 }, fc.constantFrom(...METHODS));
  return method.chain((m) => fc.record({
    label: fc.constant(`${op.method} ${op.path}`), method: fc.constant(m), segments,
    suffix: fc.oneof({ arbitrary: fc.constant(''), weight: 12 }, fc.constantFrom('/', '//', '/x', '/..', '%00')),
    query: queryOf(op, resource),
    rawQuery: fc.oneof({ arbitrary: fc.constant(''), weight: 10 }, fc.constantFrom('&', '=&=', '%', '%zz', '&&limit=1&limit=2', 'a=%ff', '&after=')),
    headers: headers(m !== 'GET' && m !== 'HEAD', op.auth), body: bodyOf(op, resource, m),
  }));
}

/** Requests to paths no route matches (or that only the catch-alls take: `/proxy/*`, `/ws` without an upgrade). */
const strayCase: fc.Arbitrary<HttpCase> = fc.record({
  label: fc.constant('(no route)'), method: fc.constantFrom(...METHODS),
  segments: fc.array(fc.oneof(fc.constantFrom('areas', 'offers', 'me', 'ws', 'proxy', 'auth', 'admin', 'metrics', 'health', 'openapi.json', ''), junkSegment), { minLength: 1, maxLength: 4 }),
  suffix: fc.constant(''), query: fc.constant([]), rawQuery: fc.constant(''), headers: headers(false, false), body: fc.constant(undefined),
});

/** Every operation equally often, and stray paths now and then. */
export function httpCases(ops: readonly Operation[]): fc.Arbitrary<HttpCase> {
  return fc.oneof({ arbitrary: fc.oneof(...ops.map(operationCase)), weight: 12 }, { arbitrary: strayCase, weight: 1 });
}

/** A resolved request, ready to send. */
export interface HttpRequestSpec {
  method: string;
  /** Path and query, e.g. `/areas/1?limit=2`. */
  target: string;
  headers: Record<string, string>;
  body: string | Buffer | undefined;
}

const queryText = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'object' && v !== null ? toJsonText(v) : String(v));

/** Resolves the WorldRefs of `c` against `lookup` and encodes it. */
export function resolveCase(c: HttpCase, lookup: Lookup): HttpRequestSpec {
  const path = c.segments.map((s) => (s instanceof WorldRef ? encodeURIComponent(String(lookup(s))) : s)).join('/');
  const q = new URLSearchParams();
  for (const [k, v] of c.query) {
    const value = materialize(v, lookup);
    for (const item of Array.isArray(value) ? value : [value]) q.append(k, queryText(item));
  }
  const query = [q.toString(), c.rawQuery].filter((s) => s !== '').join('&');
  const headers = Object.fromEntries(Object.entries(c.headers).map(([k, v]) => [k, String(materialize(v, lookup))]));
  const body = c.body === undefined ? undefined : 'bytes' in c.body ? c.body.bytes : toJsonText(materialize(c.body.json, lookup));
  return { method: c.method, target: `/${path}${c.suffix}${query === '' ? '' : `?${query}`}`, headers, body };
}
