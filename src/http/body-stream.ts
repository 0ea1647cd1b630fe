import { Readable } from 'node:stream';
import type { HttpRequest, HttpResponse } from 'uWebSockets.js';
import { problems } from '../core/errors.ts';

/** True when the request announces a body: a non-zero `Content-Length` or any `Transfer-Encoding` (RFC 9112 §6.3). */
export function hasBody(req: HttpRequest): boolean {
  const length = req.getHeader('content-length');
  return (length !== '' && length !== '0') || req.getHeader('transfer-encoding') !== '';
}

/**
 * The request body as a Readable that yields chunks as uWS receives them (for forwarding without
 * buffering). Call in the synchronous part of the handler: it attaches `onData`. Chunks are copied
 * (uWS reuses its buffer). Not paused by backpressure: at most `limit` bytes are ever held.
 * @param declaredLength the `Content-Length` header ('' when absent).
 * @throws Problem 413 at once when `declaredLength` exceeds `limit`; the stream fails with the same
 *   Problem when more than `limit` bytes arrive.
 */
export function bodyStream(res: HttpResponse, declaredLength: string, limit: number): Readable {
  if (declaredLength !== '' && Number(declaredLength) > limit) throw problems.payloadTooLarge(limit);
  const stream = new Readable({ read() {} });
  let size = 0;
  res.onData((chunk, isLast) => {
    if (stream.destroyed) return;
    size += chunk.byteLength;
    if (size > limit) {
      stream.destroy(problems.payloadTooLarge(limit));
      return;
    }
    if (chunk.byteLength > 0) stream.push(Buffer.from(chunk.slice(0)));
    if (isLast) stream.push(null);
  });
  return stream;
}
