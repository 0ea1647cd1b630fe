import { problems } from '../core/errors.ts';
import { anonymousPrincipal } from './auth/client-ip.ts';
import { LIMITS } from '../core/schemas/common.ts';
import type { CommandMeta } from '../workers/command-bus.ts';
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

/**
 * Parses a UUID path parameter (lower-case hex, RFC 9562); every string id of sortie is a UUIDv7.
 * @throws Problem 400 naming `name` when it is not a UUID.
 */
export function uuidParam(raw: string, name: string): string {
  if (!UUID.test(raw))
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

/** RFC 8288 `Link` header pointing at the next page: `<path?query&after=…&limit=…>; rel="next"`. */
export function nextLink(path: string, query: Record<string, unknown>, after: string | number, limit: number): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (k !== 'after' && k !== 'limit' && v !== undefined) q.set(k, String(v));
  q.set('after', String(after));
  q.set('limit', String(limit));
  return `<${path}?${q.toString()}>; rel="next"`;
}
