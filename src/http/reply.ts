import { STATUS_CODES } from 'node:http';
import type { HttpResponse } from 'uWebSockets.js';
import { Problem } from '../core/errors.ts';

/** A complete HTTP answer, written in one corked burst by `writeReply`. */
export interface Reply {
  status: number;
  /** Extra headers; `Content-Type` is set from `type` when there is a body. */
  headers?: Readonly<Record<string, string>>;
  /** Already-encoded body (UTF-8 JSON text or bytes). */
  body?: string | Uint8Array;
  /** Media type of `body`; default `application/json`. */
  type?: string;
  /** Close the connection after this reply (e.g. an unread request body remains); without a body it reports `Content-Length: 0`. */
  close?: boolean;
}

const JSON_TYPE = 'application/json';
const PROBLEM_TYPE = 'application/problem+json';
const statusLines = new Map<number, string>(Object.entries(STATUS_CODES).map(([c, t]) => [Number(c), `${c} ${t}`]));

/** `200` with a JSON body already encoded. */
export const json = (body: string | Uint8Array, status = 200, headers?: Record<string, string>): Reply =>
  headers === undefined ? { status, body } : { status, body, headers };

/** JSON-encodes `value` into a reply. */
export const jsonValue = (value: unknown, status = 200, headers?: Record<string, string>): Reply =>
  json(JSON.stringify(value), status, headers);

/** RFC 9457 reply for a Problem; anything else is logged by the caller and becomes a 500 problem. */
export function problemReply(p: Problem, close = false): Reply {
  const reply: Reply = { status: p.status, body: JSON.stringify(p.toJSON()), type: PROBLEM_TYPE, close };
  if (p.headers !== undefined) reply.headers = p.headers;
  return reply;
}

/** The only 500 sortie sends: a bug on our side, never something the client sent. */
export const internalError = (): Reply =>
  problemReply(new Problem(500, 'internal', 'Internal server error', 'The server failed; the error was logged.'));

/**
 * Writes `reply` to `res`, with `extra` headers (e.g. `RateLimit-*`) after the status line.
 * Call inside `res.cork` when not in the synchronous part of a handler.
 * @param head answer to a HEAD request: the headers of `reply` without its body (RFC 9110 §9.3.2).
 */
export function writeReply(res: HttpResponse, reply: Reply, extra?: Readonly<Record<string, string>>, head = false): void {
  writeHead(res, reply, extra);
  if (reply.body === undefined) {
    // Only a call without arguments writes no Content-Length (none is allowed on a 204, RFC 9110 §8.6):
    // uWS reads any first argument as the length to report, `undefined` as 2^63.
    if (reply.close === true) res.endWithoutBody(0, true);
    else res.endWithoutBody();
    return;
  }
  res.writeHeader('Content-Type', reply.type ?? JSON_TYPE);
  if (head) endHead(res, reply.body, reply.close === true);
  else res.end(reply.body, reply.close === true);
}

/** Writes the status line, then `extra` and the reply's own headers. */
function writeHead(res: HttpResponse, reply: Reply, extra: Readonly<Record<string, string>> | undefined): void {
  if (reply.status !== 200) res.writeStatus(statusLines.get(reply.status) ?? String(reply.status));
  if (extra !== undefined) for (const k in extra) res.writeHeader(k, extra[k] as string);
  if (reply.headers !== undefined) for (const k in reply.headers) res.writeHeader(k, reply.headers[k] as string);
}

/**
 * Writes the whole of `reply` with `Connection: close` but leaves the uWS response pending, so the
 * connection stays open until `res.close()` (http/body-reader.ts drains the request body meanwhile).
 * uWS has no call for this: `end` marks the response done and the binding then refuses any use of
 * `res`, and `end(body, true)` closes at once (uWebSockets v20.43 `src/HttpResponse.h` lines
 * 103-116, `src/HttpContext.h` lines 275-286). But `writeHeader` writes its value as given,
 * followed by CRLF (`HttpResponse.h` lines 401-409): the last header carries the blank line and
 * the body, and uWS's CRLF ends the body. So the body gets two more bytes of whitespace, counted
 * in `Content-Length`: only for JSON bodies (problem replies), where whitespace is insignificant.
 */
export function writeReplyKeepingOpen(res: HttpResponse, reply: Reply, extra: Readonly<Record<string, string>> | undefined): void {
  writeHead(res, reply, extra);
  const body = Buffer.from(reply.body ?? '');
  res.writeHeader('Content-Type', reply.type ?? JSON_TYPE);
  res.writeHeader('Connection', 'close');
  res.writeHeader('Content-Length', Buffer.concat([Buffer.from(`${body.length + 2}\r\n\r\n`), body]));
}

/**
 * Ends the answer to a HEAD request whose GET answer has `body`. This uWS build aborts the process
 * when `endWithoutBody(length)` reports a length above 0 (the answer never counts as done), so the
 * length is written as a header and the answer ended without one. `endWithoutBody` can only close
 * the connection with a length of its own: a closing answer reports `Content-Length: 0`.
 */
function endHead(res: HttpResponse, body: string | Uint8Array, close: boolean): void {
  if (close) {
    res.endWithoutBody(0, true);
    return;
  }
  res.writeHeader('Content-Length', String(typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength));
  res.endWithoutBody();
}
