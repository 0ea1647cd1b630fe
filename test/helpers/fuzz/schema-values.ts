/**
 * Valid-looking values of a JSON Schema node of the OpenAPI document, as fast-check arbitraries.
 * Fields that name a resource (`id`, `offer_id`, `email`, `qr_code`, …) mostly take a value of the
 * seeded world (a WorldRef), so generated requests get past validation and lookups and reach the
 * handlers. (json-schema-fast-check, the library for this, is archived, built on fast-check 2 and
 * knows nothing of world values.)
 */
import fc from 'fast-check';
import type { SchemaNode } from './surface.ts';
import { WorldRef, type PoolName } from './symbols.ts';

/** Where a value goes: its field name, and the resource of the route or command (`offers`). */
export interface Place {
  field: string;
  resource: string;
}

const UUID_PATTERN = '^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$';
const FIELD_POOLS: Readonly<Record<string, PoolName>> = {
  email: 'emails', password: 'passwords', qr_code: 'qr_codes', refresh_token: 'refresh_tokens', token: 'access_tokens',
};
const WORDS = ['Café des Arts', 'Happy hour', 'Le Comptoir', 'Bières à moitié prix', 'cinéma', 'Zürich Straße', '東京', 'مقهى', 'a', ' padded '];
const ZONES = ['Europe/Paris', 'America/New_York', 'UTC', 'Asia/Kolkata', 'Pacific/Chatham', 'Africa/Abidjan'];
/** RFC 3339 date-times of unusual forms: leap seconds, lower case, odd offsets, long fractions, extreme years. */
const EDGE_DATE_TIMES = ['2026-06-30T23:59:60Z', '2026-07-01T00:59:60+01:00', '2026-01-01t10:00:00z', '2026-01-01 10:00:00Z', '2026-01-01T10:00:00+23:59',
  '2026-01-01T10:00:00.123456789Z', '0000-01-01T00:00:00Z', '9999-12-31T23:59:59.999Z', '2026-02-29T00:00:00Z', '2028-02-29T00:00:00-00:00'];

/** A reference to some value of `pool`. */
export const worldRef = (pool: PoolName): fc.Arbitrary<WorldRef> => fc.nat(7).map((i) => new WorldRef(pool, i));

/** The pool a field draws from: `id` → the resource, `<x>_id` → `<x>s`, or a named field; undefined when none. */
export function poolOf({ field, resource }: Place): PoolName | undefined {
  const named = FIELD_POOLS[field];
  if (named !== undefined) return named;
  const kind = field === 'id' ? resource : field.endsWith('_id') ? `${field.slice(0, -3)}s` : '';
  return (['areas', 'partners', 'establishments', 'offers', 'bookings', 'users'] as const).find((p) => p === kind);
}

/** Words, numbers and unicode between `min` and `max` characters, never blank. */
function text(min: number, max: number): fc.Arbitrary<string> {
  const free = fc.string({ unit: 'grapheme', minLength: Math.max(min, 1), maxLength: Math.min(max, 40) });
  return fc.oneof(fc.constantFrom(...WORDS), free).filter((s) => s.length >= min && s.length <= max && /\S/.test(s));
}

/** Hours from now of a date-time: past for a `…from`, future for a `…until`, either for any other. */
const hoursOf = (field: string) => (field.endsWith('from') ? fc.integer({ min: -400, max: 0 }) : field.endsWith('until') ? fc.integer({ min: 1, max: 400 }) : fc.integer({ min: -400, max: 400 }));

function stringValue(node: SchemaNode, field: string): fc.Arbitrary<unknown> {
  const min = typeof node.minLength === 'number' ? node.minLength : 0;
  const max = typeof node.maxLength === 'number' ? node.maxLength : 200;
  switch (node.format) {
    case 'date-time': return fc.oneof({ arbitrary: hoursOf(field).map((h) => new Date(Date.now() + h * 3_600_000).toISOString()), weight: 4 },
      fc.constantFrom(...EDGE_DATE_TIMES));
    case 'email': return fc.emailAddress();
    case 'uri': return fc.webPath().map((p) => `https://img.example.org/${p.replace(/^\//, '')}`.slice(0, max));
    case 'iana-timezone': return fc.constantFrom(...ZONES);
    default: break;
  }
  const pattern = node.pattern;
  if (pattern === UUID_PATTERN) return fc.uuid({ version: 7 });
  if (typeof pattern === 'string' && pattern !== '\\S') return fc.stringMatching(new RegExp(pattern)).filter((s) => s.length >= min && s.length <= max);
  return text(min, max);
}

function numberValue(node: SchemaNode, integer: boolean): fc.Arbitrary<number> {
  const lo = typeof node.minimum === 'number' ? node.minimum : typeof node.exclusiveMinimum === 'number' ? node.exclusiveMinimum : -1e6;
  const hi = typeof node.maximum === 'number' ? node.maximum : 1e6;
  if (!integer) return fc.double({ min: lo, max: hi, noNaN: true, noDefaultInfinity: true }).filter((n) => node.exclusiveMinimum === undefined || n > lo);
  const low = Math.ceil(node.exclusiveMinimum === undefined ? lo : lo + 1);
  return fc.oneof(fc.integer({ min: low, max: Math.min(hi, low + 1000) }), fc.constantFrom(low, hi));
}

/**
 * Page cursors (`after`) that decode (base64url JSON, as the server makes them) to objects of the
 * right keys with values right or wrong: they get past the decoding to the cursor checks and the search.
 */
const cursor = fc.record({
  id: fc.oneof(fc.uuid({ version: 7 }), fc.string({ maxLength: 70 }), fc.integer()),
  d: fc.oneof(fc.double(), fc.constant(-1), fc.string({ maxLength: 3 })),
  at: fc.oneof(fc.integer(), fc.double(), fc.constant(Number.MAX_SAFE_INTEGER + 2)),
}, { requiredKeys: [] }).map((c) => Buffer.from(JSON.stringify(c)).toString('base64url'));

/**
 * An arbitrary of values `node` accepts, or nearly: world references where a field names a resource
 * (four times in five), else values drawn from the schema's type, bounds, formats and patterns (and
 * half the time a decodable cursor for `after`).
 */
export function schemaValue(node: SchemaNode, place: Place): fc.Arbitrary<unknown> {
  const pool = poolOf(place);
  const own = place.field === 'after' ? fc.oneof(cursor, fromSchema(node, place)) : fromSchema(node, place);
  return pool === undefined ? own : fc.oneof({ arbitrary: worldRef(pool), weight: 4 }, { arbitrary: own, weight: 1 });
}

function fromSchema(node: SchemaNode, place: Place): fc.Arbitrary<unknown> {
  if ('const' in node) return fc.constant(node.const);
  if (Array.isArray(node.enum)) return fc.constantFrom(...(node.enum as unknown[]));
  const branches = (node.anyOf ?? node.oneOf ?? node.allOf) as SchemaNode[] | undefined;
  if (branches !== undefined) return fc.oneof(...branches.map((b) => schemaValue(b, place)));
  switch (node.type) {
    case 'object': {
      const props = (node.properties ?? {}) as Record<string, SchemaNode>;
      const record = Object.fromEntries(Object.entries(props).map(([k, s]) => [k, schemaValue(s, { ...place, field: k })]));
      return fc.record(record, { requiredKeys: (node.required ?? []) as string[] });
    }
    case 'array': {
      const min = typeof node.minItems === 'number' ? node.minItems : 0;
      return fc.array(schemaValue(node.items as SchemaNode, place), { minLength: min, maxLength: Math.max(min, Math.min(typeof node.maxItems === 'number' ? node.maxItems : 4, 4)) });
    }
    case 'string': return stringValue(node, place.field);
    case 'integer': return numberValue(node, true);
    case 'number': return numberValue(node, false);
    case 'boolean': return fc.boolean();
    case 'null': return fc.constant(null);
    default: return fc.jsonValue({ maxDepth: 2 });
  }
}
