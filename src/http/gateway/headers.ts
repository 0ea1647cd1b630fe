import type { IncomingHttpHeaders } from 'node:http';

/** Hop-by-hop fields (RFC 9110 §7.6.1), plus `expect` (uWS answers 100-continue itself). */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'expect']);
/** Request fields the gateway sets itself. */
const REPLACED = new Set(['host', 'traceparent', 'x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host']);
/** Response fields uWS writes itself (framing, `Date`, its mark). */
const WRITTEN_BY_UWS = new Set(['content-length', 'date', 'uwebsockets']);

/** The field names a `Connection` header lists: they are hop-by-hop too (RFC 9110 §7.6.1). */
function connectionOptions(values: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const v of values) for (const token of v.split(',')) if (token.trim() !== '') out.add(token.trim().toLowerCase());
  return out;
}

/** What the gateway adds to a forwarded request. */
export interface ForwardingFields {
  /** The TCP peer, appended to `X-Forwarded-For`. */
  peer: string;
  /** Our `traceparent` (see traceparent.ts). */
  traceparent: string;
}

/**
 * The headers to send upstream, as undici's flat `[name, value, …]` list: the client's end-to-end
 * headers in order, without hop-by-hop ones (including those its `Connection` names), `Host`
 * (undici writes the upstream's), and with `X-Forwarded-For` (client chain + peer),
 * `X-Forwarded-Proto: http`, `X-Forwarded-Host` (the client's `Host`) and our `traceparent`.
 * @param headers lower-case [name, value] pairs as received.
 */
export function upstreamRequestHeaders(headers: readonly (readonly [string, string])[], f: ForwardingFields): string[] {
  const out: string[] = [];
  const connection: string[] = [];
  const forwardedFor: string[] = [];
  let host = '';
  for (const [name, value] of headers) {
    if (name === 'connection') connection.push(value);
    else if (name === 'x-forwarded-for') forwardedFor.push(value);
    else if (name === 'host') host = value;
  }
  const listed = connection.length === 0 ? undefined : connectionOptions(connection);
  for (const [name, value] of headers)
    if (!HOP_BY_HOP.has(name) && !REPLACED.has(name) && listed?.has(name) !== true) out.push(name, value);
  forwardedFor.push(f.peer);
  out.push('x-forwarded-for', forwardedFor.join(', '), 'x-forwarded-proto', 'http', 'traceparent', f.traceparent);
  if (host !== '') out.push('x-forwarded-host', host);
  return out;
}

/**
 * The upstream response headers to relay, as [name, value] pairs (a repeated field, e.g.
 * `Set-Cookie`, gives several): without hop-by-hop ones and those uWS writes itself.
 */
export function relayedResponseHeaders(headers: IncomingHttpHeaders): [string, string][] {
  const connection = headers.connection;
  const listed = connection === undefined ? undefined : connectionOptions([connection].flat());
  const out: [string, string][] = [];
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined || HOP_BY_HOP.has(name) || WRITTEN_BY_UWS.has(name) || listed?.has(name) === true) continue;
    if (typeof value === 'string') out.push([name, value]);
    else for (const v of value) out.push([name, v]);
  }
  return out;
}

/** The value of request header `name` (lower-case) in received pairs; several are joined with `, `; '' when absent. */
export function headerValue(headers: readonly (readonly [string, string])[], name: string): string {
  let out = '';
  for (const [k, v] of headers) if (k === name) out = out === '' ? v : `${out}, ${v}`;
  return out;
}
