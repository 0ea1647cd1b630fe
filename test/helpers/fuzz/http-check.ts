/**
 * Sends a resolved fuzz request with undici and checks the answer against the contract
 * (../shared/API.md, Conventions): never a 5xx, every error an RFC 9457 problem whose status is the
 * HTTP status, `Allow` on a 405 and `Retry-After` on a 429, every 2xx JSON body parseable, an answer
 * within `timeoutMs` (else the request hung).
 */
import assert from 'node:assert/strict';
import { errors, request, type Agent } from 'undici';
import { assertProblemShape, type ProblemJson } from '../http.ts';
import type { HttpRequestSpec } from './http-cases.ts';

/** What came back. */
export interface HttpReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** What sending a request gave: an answer, nothing sent (undici refused to write it), or a reset allowed for a head near its limit. */
export type Sent = { reply: HttpReply } | { unsent: string } | { reset: string };

/** A request head past this size may be closed without an answer when it arrives in pieces (README, "Known limits of the HTTP front"); undici adds ~128 bytes. */
const HEAD_LIMIT_BYTES = 4 * 1024;

/** Bytes of the request line and header fields (without those undici adds: Host, Content-Length, Connection). */
const headBytes = (spec: HttpRequestSpec): number =>
  Buffer.byteLength(`${spec.method} ${spec.target} HTTP/1.1\r\n`) + Object.entries(spec.headers).reduce((n, [k, v]) => n + Buffer.byteLength(`${k}: ${v}\r\n`, 'latin1'), 0);

/**
 * Sends `spec` to `origin` through `agent`.
 * @throws AssertionError when the server answers nothing (connection closed or reset, for a head
 *   well under HEAD_LIMIT_BYTES: every refusal of a request with a body drains it, README "Slow and
 *   oversized requests") or hangs.
 */
export async function sendRequest(origin: string, spec: HttpRequestSpec, agent: Agent, timeoutMs: number): Promise<Sent> {
  try {
    const res = await request(`${origin}${spec.target}`, {
      method: spec.method as 'GET', headers: spec.headers, body: spec.body, dispatcher: agent, headersTimeout: timeoutMs, bodyTimeout: timeoutMs,
    });
    return { reply: { status: res.statusCode, headers: res.headers, text: await res.body.text() } };
  } catch (err) {
    const message = (err as Error).message;
    // A header or path this client cannot write: the generator's miss, not the server's.
    if (err instanceof errors.InvalidArgumentError) return { unsent: message };
    const mayReset = headBytes(spec) > HEAD_LIMIT_BYTES - 128;
    if (mayReset && !(err instanceof errors.HeadersTimeoutError) && !(err instanceof errors.BodyTimeoutError)) return { reset: message };
    assert.fail(`${describe(spec)} got no answer: ${message}`);
  }
}

/** One line naming a request, for failure messages. */
export function describe(spec: HttpRequestSpec): string {
  const body = spec.body === undefined ? '' : ` body ${JSON.stringify(spec.body.toString().slice(0, 300))}${spec.body.length > 300 ? `…(${spec.body.length} bytes)` : ''}`;
  return `${spec.method} ${spec.target.slice(0, 300)} headers ${JSON.stringify(spec.headers).slice(0, 300)}${body}`;
}

/** Asserts the contract for `reply` to `spec`. */
export function checkReply(spec: HttpRequestSpec, reply: HttpReply): void {
  const what = `${describe(spec)} → ${reply.status} ${reply.text.slice(0, 500)}`;
  assert.ok(reply.status >= 200 && reply.status < 500, `no 5xx (nor 1xx/3xx): ${what}`);
  const type = reply.headers['content-type'];
  if (reply.status >= 400) {
    assert.equal(type, 'application/problem+json', `an error is a problem: ${what}`);
    if (spec.method !== 'HEAD') {
      let p: ProblemJson;
      try { p = JSON.parse(reply.text) as ProblemJson; } catch { assert.fail(`problem body is JSON: ${what}`); }
      assertProblemShape(p, reply.status);
    }
    if (reply.status === 405) assert.ok(reply.headers.allow, `405 carries Allow: ${what}`);
    if (reply.status === 429) assert.ok(reply.headers['retry-after'], `429 carries Retry-After: ${what}`);
  } else if (type === 'application/json' && spec.method !== 'HEAD') {
    assert.doesNotThrow(() => JSON.parse(reply.text), `a JSON answer parses: ${what}`);
  }
}
