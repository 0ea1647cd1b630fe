import type { HttpRequest, HttpResponse } from 'uWebSockets.js';
import { problems, type Problem } from '../core/errors.ts';
import { problemReply, writeReply } from './reply.ts';

/**
 * Largest request head (request line and header fields), bytes. uWS 20.3x buffers at most 4 KiB
 * of a head that arrives in several reads (HttpParser.h, `MAX_FALLBACK_SIZE`) but parses a head
 * of any size that arrives in one read: this check makes the limit hold either way.
 */
export const MAX_HEAD_BYTES = 4096;

/** What to do with a request body sent with `Transfer-Encoding: chunked` (CHUNKED_BODIES). */
export type ChunkedBodies = 'refuse' | 'accept';

/**
 * Checks the framing of a request as uWS parsed it, for what its parser lets through (README,
 * "Known limits of the HTTP front"): a head over MAX_HEAD_BYTES (431), several `Content-Length`
 * or `Host` fields (400, RFC 9112 §6.3 and §3.2), a `Transfer-Encoding` that does not end in a
 * single `chunked` (400, RFC 9112 §6.3), names a coding other than `chunked` (501, RFC 9112 §6.1),
 * or is `chunked` while such bodies are refused (411). uWS's chunk parser is lenient (it skips
 * the two bytes after a chunk's data whatever they are, and reads `;` and `g` as hex digits), so
 * only a proxy that re-frames bodies (README's nginx) makes `accept` safe.
 * Reads every header of the live request: call before the handler's synchronous part ends.
 * @returns the problem to answer with `refuseAndClose`, or undefined when the framing is sound.
 */
export function framingProblem(req: HttpRequest, chunked: ChunkedBodies): Problem | undefined {
  const query = req.getQuery() ?? '';
  // "METHOD SP target SP HTTP/1.1 CRLF", each "name:value CRLF" (optional whitespace is not counted), final CRLF.
  let size = req.getCaseSensitiveMethod().length + req.getUrl().length + (query === '' ? 0 : query.length + 1) + 14;
  let lengths = 0;
  let hosts = 0;
  let codings: string | undefined;
  req.forEach((name, value) => {
    size += name.length + value.length + 3;
    if (name === 'content-length') lengths++;
    else if (name === 'host') hosts++;
    else if (name === 'transfer-encoding') codings = codings === undefined ? value : `${codings},${value}`;
  });
  if (size > MAX_HEAD_BYTES) return problems.headersTooLarge(MAX_HEAD_BYTES);
  if (lengths > 1) return problems.badFraming('The request has more than one Content-Length field.');
  if (hosts > 1) return problems.badFraming('The request has more than one Host field.');
  return codings === undefined ? undefined : transferCodingProblem(codings, chunked);
}

/** The problem with a `Transfer-Encoding` list (all its fields joined by commas), if any. */
function transferCodingProblem(value: string, chunked: ChunkedBodies): Problem | undefined {
  const list = value.split(',').map((c) => c.trim().toLowerCase()).filter((c) => c !== '');
  if (list.at(-1) !== 'chunked' || list.indexOf('chunked') !== list.length - 1)
    return problems.badFraming(`Transfer-Encoding ${JSON.stringify(value)} does not end in a single chunked coding.`);
  const other = list.find((c) => c !== 'chunked');
  if (other !== undefined) return problems.notImplemented(`The transfer coding ${JSON.stringify(other)} is not supported; send the body with Content-Length.`);
  return chunked === 'refuse' ? problems.lengthRequired() : undefined;
}

/**
 * Answers `problem` and closes the connection, once uWS has parsed the rest of the read that
 * carried the request. Answered at once, uWS would go on to parse and answer a request pipelined
 * behind this one in the same read and keep the connection open (its close flag is reset by each
 * new request, HttpContext.h); while this answer is pending, such a request makes uWS close the
 * connection instead, without an answer. Either way nothing after a refused request is served.
 * @param head the request is a HEAD: the answer carries no body.
 */
export function refuseAndClose(res: HttpResponse, problem: Problem, head: boolean): void {
  let aborted = false;
  res.onAborted(() => { aborted = true; });
  setImmediate(() => {
    if (!aborted) res.cork(() => writeReply(res, problemReply(problem, true), undefined, head));
  });
}
