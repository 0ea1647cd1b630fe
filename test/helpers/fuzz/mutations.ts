/**
 * Turns valid-looking values into hostile ones: one to three mutations, each at a random place of the
 * value (the root included) — replace with junk, drop, add a key (prototype-pollution names among
 * them), rename. Junk covers wrong types, huge and odd strings, numbers JSON.stringify cannot write,
 * values only msgpack carries, deep nesting, and ids of the wrong kind of resource.
 */
import fc from 'fast-check';
import { POOLS, RawJson, setOwn, Template, WorldRef } from './symbols.ts';

/** Nested arrays `depth` deep (what a msgpack frame carries for deep JSON). */
const nested = (depth: number): unknown => {
  let v: unknown = [];
  for (let i = 0; i < depth; i++) v = [v];
  return v;
};

/** JSON numbers and tokens JSON.stringify cannot produce, with their msgpack counterparts. */
const rawNumbers = ['1e400', '-1e400', '-0', '1e-400', '9007199254740993', '1.0', '0.1e1', '123456789012345678901234567890', 'NaN', 'Infinity', '0x10', '+1', '01']
  .map((t) => new RawJson(t, Number(t)));
/** Values only msgpack carries (timestamp ext, bin, uint64, a map with non-string keys), with JSON stand-ins. */
const msgpackOnly = [new RawJson('"1970-01-01T00:00:00.000Z"', new Date(0)), new RawJson('"AAEC"', new Uint8Array([0, 1, 2])),
  new RawJson('18446744073709551615', 2n ** 64n - 1n), new RawJson('{"1":"x"}', new Map<unknown, unknown>([[1, 'x'], [true, 'y']]))];
/** Deep nesting: arrays and objects (a recursive parser or validator would overflow its stack). */
const deep = fc.constantFrom(60, 1200, 100_000).chain((n) => fc.constantFrom(
  new RawJson('['.repeat(n) + ']'.repeat(n), nested(Math.min(n, 400))),
  new RawJson('{"a":'.repeat(n) + '1' + '}'.repeat(n), nested(Math.min(n, 400))),
));
/** Long strings around the documented limits (200, 255, 500, 2048, 5000) and far past them (bodies stay < 1 MiB). */
const huge = fc.tuple(fc.constantFrom(201, 256, 501, 2049, 5001, 70_000, 150_000), fc.constantFrom('x', 'é', '🎉', ' ', '\u0000')).map(([n, c]) => c.repeat(n));
const oddStrings = fc.constantFrom('', ' ', '\t', 'null', 'NaN', 'true', '[]', '{}', '\u0000', '\ud800', '\u202e', 'e\u0301', '../../etc/passwd',
  '<script>alert(1)</script>', "' OR 1=1 --", '%00', '%ff', '${jndi:x}', '00000000-0000-0000-0000-000000000000', '2026-13-45T25:61:00Z', 'Europe/Nowhere');
/** An id of some kind of resource, maybe not the one the field wants. */
const anyRef = fc.tuple(fc.constantFrom(...POOLS), fc.nat(7)).map(([p, i]) => new WorldRef(p, i));

/** A value of any kind a hostile client might put anywhere. */
export const junkValue: fc.Arbitrary<unknown> = fc.oneof(
  oddStrings, fc.constantFrom(...rawNumbers, ...msgpackOnly), deep, huge, anyRef,
  fc.constantFrom(null, true, false, 0, -1, 1.5, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER),
  fc.jsonValue({ maxDepth: 3 }), fc.string({ unit: 'binary', maxLength: 30 }), fc.double(), fc.uuid(), fc.integer(),
);

/** Keys a hostile client might add. */
export const junkKey: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '', ' ', 'id', 'ID', 'name\u0000', '$ref', '0', 'user_id', 'role', 'taken', 'status'),
  fc.string({ maxLength: 20 }),
);

type Mutation = { at: number; op: 'replace' | 'drop' | 'add' | 'rename'; junk: unknown; key: string };
const mutation: fc.Arbitrary<Mutation> = fc.record({ at: fc.nat(), op: fc.constantFrom('replace', 'drop', 'add', 'rename'), junk: junkValue, key: junkKey });

const isContainer = (v: unknown): v is Record<string, unknown> | unknown[] =>
  typeof v === 'object' && v !== null && !(v instanceof WorldRef) && !(v instanceof RawJson) && !(v instanceof Template);

/** Every place of `v` as its path of keys, the root (`[]`) first. */
function places(v: unknown, path: string[] = [], out: string[][] = []): string[][] {
  out.push(path);
  if (isContainer(v)) for (const k of Object.keys(v)) places((v as Record<string, unknown>)[k], [...path, k], out);
  return out;
}

/** A deep copy (containers only; own `__proto__` keys kept). */
function copy(v: unknown): unknown {
  if (!isContainer(v)) return v;
  if (Array.isArray(v)) return v.map(copy);
  const out = {};
  for (const k of Object.keys(v)) setOwn(out, k, copy(v[k]));
  return out;
}

/** Applies `m` to `root` (a copy, changed in place where it can be) and returns the result. */
function apply(root: unknown, m: Mutation): unknown {
  const all = places(root);
  const path = all[m.at % all.length] as string[];
  if (path.length === 0) {
    if (m.op === 'add' && isContainer(root) && !Array.isArray(root)) { setOwn(root, m.key, m.junk); return root; }
    return m.op === 'drop' ? {} : m.junk;
  }
  let parent = root as Record<string, unknown>;
  for (const k of path.slice(0, -1)) parent = parent[k] as Record<string, unknown>;
  const key = path[path.length - 1] as string;
  const target = parent[key];
  if (Array.isArray(parent) && m.op === 'drop') parent.splice(Number(key), 1);
  else if (m.op === 'drop') delete parent[key];
  else if (m.op === 'add' && Array.isArray(target)) target.push(m.junk);
  else if (m.op === 'add' && isContainer(target)) setOwn(target, m.key, m.junk);
  else if (m.op === 'rename' && !Array.isArray(parent)) { delete parent[key]; setOwn(parent, m.key === key ? `${key} ` : m.key, target); }
  else parent[key] = m.junk;
  return root;
}

/** `valid` as it is (two times in five) or after one to three mutations. */
export function mutated(valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  const changed = fc.tuple(valid, fc.array(mutation, { minLength: 1, maxLength: 3 })).map(([v, ms]) => ms.reduce(apply, copy(v)));
  return fc.oneof({ arbitrary: valid, weight: 2 }, { arbitrary: changed, weight: 3 });
}
