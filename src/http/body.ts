import type { HttpResponse } from 'uWebSockets.js';
import { problems } from '../core/errors.ts';

/**
 * Reads a request body of at most `limit` bytes. Must be called in the synchronous part of the
 * handler (it attaches `onData`). Chunks are views into a reused uWS buffer, so they are copied.
 * @param declaredLength Content-Length header ('' when absent).
 * @throws Problem 413 when the body (declared or received) exceeds `limit` bytes; the reply must
 *   close the connection since the rest of the body stays unread.
 * @param onAbort a promise that rejects when the client goes away; the read rejects with it.
 */
export function readBody(res: HttpResponse, declaredLength: string, limit: number, onAbort: Promise<never>): Promise<Buffer> {
  if (declaredLength !== '' && Number(declaredLength) > limit) return Promise.reject(problems.payloadTooLarge(limit));
  const body = new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    res.onData((chunk, isLast) => {
      if (done) return;
      size += chunk.byteLength;
      if (size > limit) {
        done = true;
        reject(problems.payloadTooLarge(limit));
        return;
      }
      chunks.push(Buffer.from(chunk.slice(0)));
      if (isLast) {
        done = true;
        resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size));
      }
    });
  });
  return Promise.race([body, onAbort]);
}

/** True for `application/json` and `application/<x>+json`, with any parameters (RFC 6839). */
export function isJsonType(contentType: string): boolean {
  const media = (contentType.split(';', 1)[0] ?? '').trim().toLowerCase();
  return media === 'application/json' || (media.startsWith('application/') && media.endsWith('+json'));
}

/** Strict UTF-8 (RFC 8259 §8.1): invalid bytes throw instead of becoming U+FFFD in stored data. */
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Parses a JSON request body that must be an object.
 * @throws Problem 400 `malformed-json` for empty, invalid (including invalid UTF-8) or non-object JSON.
 */
export function parseJsonObject(body: Buffer): Record<string, unknown> {
  if (body.length === 0) throw problems.malformedJson('The request body is empty; a JSON object is required.');
  let value: unknown;
  try {
    value = JSON.parse(utf8.decode(body));
  } catch (err) {
    throw problems.malformedJson(`The request body is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw problems.malformedJson('The request body must be a JSON object.');
  return value as Record<string, unknown>;
}
