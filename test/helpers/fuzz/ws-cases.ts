/**
 * Generated WebSocket frames for `GET /ws`: `command` frames for every command of `x-commands` (args
 * mutated from valid ones, world ids inside) and for unknown names, `ping`, `subscribe` and
 * `unsubscribe` with good and bad topics, `auth` with good and bad tokens, each frame sometimes
 * mutated as a whole; and raw frames: text that is no JSON frame (invalid UTF-8 among it) for JSON
 * sockets, bytes that are no msgpack frame for msgpack sockets.
 */
import fc from 'fast-check';
import { pack } from 'msgpackr';
import { junkValue, mutated } from './mutations.ts';
import { schemaValue, worldRef } from './schema-values.ts';
import type { CommandSurface } from './surface.ts';
import { materialize, Template, toJsonText, toMsgpack, type Lookup } from './symbols.ts';

/** Who a socket speaks for (world.ts tokens; `anon` never authenticates). */
export const SOCKET_ROLES = ['anon', 'user', 'owner', 'admin'] as const;
export type SocketRole = (typeof SOCKET_ROLES)[number];
export type Encoding = 'json' | 'msgpack';

/** One generated frame, with WorldRefs unresolved: a value encoded in the socket's encoding, or raw bytes. */
export interface WsCase {
  label: string;
  encoding: Encoding;
  role: SocketRole;
  frame: { value: unknown } | { raw: string | Buffer; text: boolean };
}

/** Frame ids: mostly good ones, sometimes missing, huge, fractional or of the wrong type. */
const frameId = fc.oneof({ arbitrary: fc.integer({ min: 1, max: 1_000_000 }), weight: 6 }, fc.string({ maxLength: 10 }), fc.constant(undefined), junkValue);

/** A frame object; an undefined `id` is left out. */
const frame = (id: unknown, rest: Record<string, unknown>): Record<string, unknown> => (id === undefined ? rest : { id, ...rest });

const topic = fc.oneof(
  fc.constantFrom('areas', 'me.bookings', 'offers', 'bookings', 'offers.nearby:', 'partners.bookings:', 'bookings:'),
  fc.tuple(fc.double({ min: -100, max: 100 }), fc.double({ min: -200, max: 200 }), fc.oneof(fc.double(), fc.integer())).map(([a, b, r]) => `offers.nearby:${a},${b},${r}`),
  fc.constantFrom('offers.nearby:48.85,2.35,500', 'offers.nearby:1e400,0,1', 'offers.nearby:NaN,NaN,NaN', 'offers.nearby:48.85,2.35,100001'),
  fc.tuple(fc.constantFrom('bookings:', 'partners.bookings:'), fc.oneof(worldRef('bookings'), worldRef('partners'), worldRef('users'))).map((t) => new Template(t)),
  junkValue,
);

function commandFrame(commands: readonly CommandSurface[]): fc.Arbitrary<WsCase['frame']> {
  const known = commands.map((c) => fc.record({
    id: frameId, name: fc.constant(c.name), args: mutated(schemaValue(c.args, { field: '', resource: c.name.split('.')[0] ?? '' })),
    key: fc.option(fc.oneof(fc.string({ minLength: 1, maxLength: 20 }), fc.constant('x'.repeat(256))), { freq: 4, nil: undefined }),
  }));
  const unknown = fc.record({ id: frameId, name: fc.oneof(fc.constantFrom('bookings.expire', 'users.set_role', 'users.register', 'sessions.open', '__proto__', 'constructor', ''), fc.string()), args: junkValue, key: fc.constant(undefined) });
  return fc.oneof({ arbitrary: fc.oneof(...known), weight: 6 }, unknown)
    .map(({ id, name, args, key }) => ({ value: frame(id, { op: 'command', name, args, ...(key === undefined ? {} : { idempotency_key: key }) }) }));
}

const otherFrame: fc.Arbitrary<WsCase['frame']> = fc.oneof(
  frameId.map((id) => frame(id, { op: 'ping' })),
  fc.tuple(frameId, fc.constantFrom('subscribe', 'unsubscribe'), topic).map(([id, op, t]) => frame(id, { op, topic: t })),
  fc.tuple(frameId, fc.oneof({ arbitrary: worldRef('access_tokens'), weight: 2 }, worldRef('refresh_tokens'), junkValue)).map(([id, token]) => frame(id, { op: 'auth', token })),
).map((value) => ({ value }));

/** Raw frames a JSON socket may be sent: text frames that are not a valid frame, and text frames of invalid UTF-8. */
const rawText = fc.oneof(
  fc.constantFrom('', 'not json', '[]', 'null', '1', '"ping"', '{"id":1}', '{"id":1,"op":"nope"}', '{"op":"ping"}', '{"id":1,"op":"ping"}x', '{"id":1,"op":"ping","id":2}',
    `{"id":1,"op":"command","name":"areas.create","args":${'['.repeat(50_000)}${']'.repeat(50_000)}}`).map((raw) => ({ raw, text: true })),
  fc.constantFrom(Buffer.from([0xff, 0xfe]), Buffer.from('{"id":1,"op":"ping","x":"\xc3"}', 'latin1')).map((raw) => ({ raw, text: true })),
);
/** Raw frames a msgpack socket may be sent: random bytes, truncated or odd msgpack (ext types, non-string keys, deep nesting). */
const rawBinary = fc.oneof(
  fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)),
  fc.constantFrom(Buffer.alloc(0), pack([1, 'ping']), pack(new Date(0)), pack(2n ** 64n - 1n), pack(new Map<unknown, unknown>([[1, 'ping'], ['op', 'ping']])),
    pack({ id: 1, op: 'ping' }).subarray(0, 5), Buffer.concat([Buffer.alloc(20_000, 0x91), Buffer.from([0x90])]), pack({ id: new Uint8Array(4), op: 'ping' })),
).map((raw) => ({ raw, text: false }));

/** Frames for every command of `commands`, other operations, and raw frames, on sockets of every role and encoding. */
export function wsCases(commands: readonly CommandSurface[]): fc.Arbitrary<WsCase> {
  const names = new Set(commands.map((c) => c.name));
  const valueFrame = fc.oneof({ arbitrary: commandFrame(commands), weight: 6 }, { arbitrary: otherFrame, weight: 3 },
    { arbitrary: fc.oneof(commandFrame(commands), otherFrame).chain((f) => mutated(fc.constant('value' in f ? f.value : null)).map((value) => ({ value }))), weight: 2 });
  return fc.record({ encoding: fc.constantFrom<Encoding>('json', 'msgpack'), role: fc.constantFrom(...SOCKET_ROLES), kind: fc.nat(9) }).chain(({ encoding, role, kind }) =>
    (kind === 0 ? (encoding === 'json' ? rawText : rawBinary) : valueFrame).map((f): WsCase => ({ label: labelOf(f, names), encoding, role, frame: f })));
}

const OPS = new Set(['ping', 'auth', 'subscribe', 'unsubscribe']);

/** `command <name>` for a command of the surface, `command (unknown)`, the op, `raw` or `mutated`. */
function labelOf(f: WsCase['frame'], names: ReadonlySet<string>): string {
  if (!('value' in f)) return 'raw';
  const v = f.value as { op?: unknown; name?: unknown } | null;
  if (typeof v !== 'object' || v === null) return 'mutated';
  if (v.op === 'command') return typeof v.name === 'string' && names.has(v.name) ? `command ${v.name}` : 'command (unknown)';
  return typeof v.op === 'string' && OPS.has(v.op) ? v.op : 'mutated';
}

/** The bytes of `c` (resolved against `lookup`) and whether they go as a text frame. */
export function encodeCase(c: WsCase, lookup: Lookup): { data: string | Buffer; text: boolean } {
  if (!('value' in c.frame)) return { data: c.frame.raw, text: c.frame.text };
  const value = materialize(c.frame.value, lookup);
  return c.encoding === 'json' ? { data: toJsonText(value), text: true } : { data: toMsgpack(value), text: false };
}
