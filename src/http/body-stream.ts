import { Readable } from 'node:stream';
import type { HttpRequest } from 'uWebSockets.js';
import type { BodyReader } from './body-reader.ts';

/** True when the request announces a body: a non-zero `Content-Length` or any `Transfer-Encoding` (RFC 9112 §6.3). */
export function hasBody(req: HttpRequest): boolean {
  const length = req.getHeader('content-length');
  return (length !== '' && length !== '0') || req.getHeader('transfer-encoding') !== '';
}

/**
 * The request body as a Readable that yields chunks as uWS receives them (for forwarding without
 * buffering), read through `reader` (BODY_LIMIT and the body timeouts). Call in the synchronous
 * part of the handler. Chunks are copied (uWS reuses its buffer). Not paused by backpressure: at
 * most BODY_LIMIT bytes are ever held.
 * @param declaredLength the `Content-Length` header ('' when absent).
 * @throws Problem 413 at once when `declaredLength` exceeds the limit; the stream fails with a
 *   413 Problem when more arrives, with a 408 Problem when the body pauses or slows down.
 */
export function bodyStream(reader: BodyReader, declaredLength: string): Readable {
  const stream = new Readable({ read() {} });
  reader.start({
    chunk(data, isLast) {
      if (data.byteLength > 0) stream.push(Buffer.from(data.slice(0)));
      if (isLast) stream.push(null);
    },
    fail: (problem) => stream.destroy(problem),
  }, declaredLength);
  return stream;
}
