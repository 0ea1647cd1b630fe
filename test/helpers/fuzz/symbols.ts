/**
 * Placeholders a generated fuzz case holds instead of concrete values, so that a case depends only on
 * the seed (not on the ids the server happened to assign) and still reaches real resources:
 * `WorldRef` names a value of the seeded world, looked up when the case runs (`Template` joins some into
 * a string); `RawJson` is JSON text no
 * `JSON.stringify` can write (`1e400`, `-0`, nesting 100,000 deep), with what a msgpack frame carries
 * instead.
 */
import { pack } from 'msgpackr';

/** Kinds of values the seeded world holds (world.ts fills each). */
export const POOLS = ['areas', 'partners', 'establishments', 'offers', 'bookings', 'users', 'emails', 'passwords', 'qr_codes', 'refresh_tokens', 'access_tokens'] as const;
export type PoolName = (typeof POOLS)[number];

/** Value number `index` (modulo the pool's size) of pool `pool` of the world the case runs against. */
export class WorldRef {
  constructor(readonly pool: PoolName, readonly index: number) {}
  toString(): string {
    return `<${this.pool}#${this.index}>`;
  }
}

/** JSON text written as is where a value goes; `packed` is what a msgpack frame carries instead. */
export class RawJson {
  constructor(readonly text: string, readonly packed: unknown) {}
  toString(): string {
    return `raw(${this.text.length > 40 ? `${this.text.slice(0, 40)}…(${this.text.length} chars)` : this.text})`;
  }
}

/** A string made of literal parts and world values, e.g. `Bearer ` + a world token, `bookings:` + a booking id. */
export class Template {
  constructor(readonly parts: readonly (string | WorldRef)[]) {}
  toString(): string {
    return this.parts.join('');
  }
}

/** Looks a WorldRef up; undefined when the pool is empty. */
export type Lookup = (ref: WorldRef) => unknown;

/** Sets own enumerable `key` on `obj`, `__proto__` included (plain assignment would set the prototype). */
export function setOwn(obj: object, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

/** A deep copy of `value` with every WorldRef replaced by its value (RawJson kept; own `__proto__` keys kept). */
export function materialize(value: unknown, lookup: Lookup): unknown {
  if (value instanceof WorldRef) return lookup(value);
  if (value instanceof Template) return value.parts.map((p) => String(materialize(p, lookup))).join('');
  if (value instanceof RawJson || typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map((v) => materialize(v, lookup));
  const out = {};
  for (const k of Object.keys(value)) setOwn(out, k, materialize((value as Record<string, unknown>)[k], lookup));
  return out;
}

/** JSON text of a materialized value, RawJson written as its text. */
export function toJsonText(value: unknown): string {
  const raws: string[] = [];
  const text = JSON.stringify(value, (_k, v: unknown) => {
    if (!(v instanceof RawJson)) return v;
    raws.push(v.text);
    return `@@raw:${raws.length - 1}@@`;
  }) ?? 'null';
  return raws.length === 0 ? text : text.replace(/"@@raw:(\d+)@@"/g, (_m, i: string) => raws[Number(i)] as string);
}

/** msgpack bytes of a materialized value, RawJson sent as its `packed` value. */
export function toMsgpack(value: unknown): Buffer {
  const unraw = (v: unknown): unknown => {
    if (v instanceof RawJson) return v.packed;
    if (typeof v !== 'object' || v === null || ArrayBuffer.isView(v)) return v;
    if (Array.isArray(v)) return v.map(unraw);
    const out = {};
    for (const k of Object.keys(v)) setOwn(out, k, unraw((v as Record<string, unknown>)[k]));
    return out;
  };
  return pack(unraw(value));
}
