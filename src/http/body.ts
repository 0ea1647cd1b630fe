import { problems } from '../core/errors.ts';
import type { BodyReader } from './body-reader.ts';

/**
 * Reads a whole request body through `reader` (which enforces BODY_LIMIT and the body timeouts).
 * Call in the synchronous part of the handler. Chunks are copied (uWS reuses its buffer).
 * @param declaredLength Content-Length header ('' when absent).
 * @param onAbort a promise that rejects when the client goes away; the read rejects with it.
 * @returns the body; rejects with Problem 413 when it exceeds the limit (declared or received) and
 *   408 when it pauses or slows down (body-reader.ts); answer those with `reader.answer`.
 */
export function readBody(reader: BodyReader, declaredLength: string, onAbort: Promise<never>): Promise<Buffer> {
  const body = new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    reader.start({
      chunk(data, isLast) {
        size += data.byteLength;
        chunks.push(Buffer.from(data.slice(0)));
        if (isLast) resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size));
      },
      fail: reject,
    }, declaredLength);
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
