import { problems } from '../core/errors.ts';
import { anonymousPrincipal } from './auth/client-ip.ts';
import { LIMITS } from '../core/schemas/common.ts';
import type { CommandMeta } from '../workers/command-bus.ts';
import type { Caller } from '../core/auth/claims.ts';
import type { RequestContext } from './router.ts';

/**
 * Parses a positive integer path parameter (area ids).
 * @throws Problem 400 naming `name` when it is not an integer in 1..2^53-1.
 */
export function positiveIntParam(raw: string, name: string): number {
  const n = /^[1-9][0-9]{0,15}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(n))
    throw problems.invalid([{ path: `/${name}`, message: 'must be a positive integer' }], `Path parameter ${name} must be a positive integer, got ${JSON.stringify(raw)}.`);
  return n;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** True for a UUID in lower-case hex (RFC 9562). */
export const isUuid = (s: string): boolean => UUID.test(s);

/**
 * Parses a UUID path parameter (lower-case hex, RFC 9562); every string id of sortie is a UUIDv7.
 * @throws Problem 400 naming `name` when it is not a UUID.
 */
export function uuidParam(raw: string, name: string): string {
  if (!isUuid(raw))
    throw problems.invalid([{ path: `/${name}`, message: 'must be a UUID' }], `Path parameter ${name} must be a UUID, got ${JSON.stringify(raw.slice(0, 64))}.`);
  return raw;
}

/** Query string as a record; a repeated key becomes an array (which single-valued schemas refuse). */
export function queryRecord(query: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of new URLSearchParams(query)) {
    const prev = out[k];
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
}

/**
 * The `Idempotency-Key` header, if sent (API.md: any string ≤ 255 chars).
 * @throws Problem 400 when it is empty or longer than LIMITS.idempotencyKey.
 */
export function idempotencyKey(ctx: RequestContext): string | undefined {
  const key = ctx.header('idempotency-key');
  if (key === '') return undefined;
  if (key.length > LIMITS.idempotencyKey)
    throw problems.invalid([{ path: '/Idempotency-Key', message: `must be at most ${LIMITS.idempotencyKey} characters` }]);
  return key;
}

/**
 * Who sends a command from an HTTP request: the authenticated caller (also the scope of its
 * idempotency keys), or `anon:<client ip>`, and the request's Idempotency-Key.
 * @throws Problem 400 on a bad Idempotency-Key.
 */
export function commandMeta(ctx: RequestContext): CommandMeta {
  return { principal: ctx.user?.id ?? anonymousPrincipal(ctx.ip), caller: ctx.user, idempotencyKey: idempotencyKey(ctx) };
}

/** RFC 8288 `Link` header pointing at the next page: `<path?query&after=…&limit=…>; rel="next"` (repeated parameters kept). */
export function nextLink(path: string, query: Record<string, unknown>, after: string | number, limit: number): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (k === 'after' || k === 'limit' || v === undefined) continue;
    for (const item of Array.isArray(v) ? v : [v]) q.append(k, String(item));
  }
  q.set('after', String(after));
  q.set('limit', String(limit));
  return `<${path}?${q.toString()}>; rel="next"`;
}

/** The caller of a route that needs one. @throws Problem 401 when the request is anonymous. */
export function requireUser(ctx: RequestContext): Caller {
  if (ctx.user === undefined) throw problems.unauthorized('This route needs `Authorization: Bearer <access token>`.');
  return ctx.user;
}

/** `Idempotent-Replayed: true` on the answer to a retry that returned a stored reply. */
export const replayedHeader = (replayed: boolean): Record<string, string> => (replayed ? { 'Idempotent-Replayed': 'true' } : {});

/** Encodes a page cursor as an opaque string (base64url of its JSON). */
export const encodeCursor = (c: object): string => Buffer.from(JSON.stringify(c)).toString('base64url');

/**
 * Decodes a cursor made by `encodeCursor` and checks its shape.
 * @param valid true when the decoded value has the expected shape.
 * @throws Problem 400 naming `/after` when it is not one of ours.
 */
export function decodeCursor<T>(raw: string, valid: (v: unknown) => v is T): T {
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    v = undefined;
  }
  if (!valid(v)) throw problems.invalid([{ path: '/after', message: 'is not a cursor of this collection' }], 'Pass `after` exactly as the `Link: rel="next"` of the previous page gives it.');
  return v;
}

/** True for `{id: string}` (at most 64 characters): the cursor of the collections paged by id. */
export const isIdCursor = (v: unknown): v is { id: string } =>
  typeof v === 'object' && v !== null && typeof (v as { id?: unknown }).id === 'string' && (v as { id: string }).id.length <= 64;
