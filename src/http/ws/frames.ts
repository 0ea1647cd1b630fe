import { Type, type Static } from '@sinclair/typebox';
import { packBytes, unpackBytes } from '../../core/codec.ts';
import { problems } from '../../core/errors.ts';
import { LIMITS } from '../../core/schemas/common.ts';
import { bodyValidator } from '../../core/validate.ts';

/** A safe integer (echoed exactly in JSON and msgpack) or a short string. */
const FrameId = Type.Union([Type.Integer({ minimum: Number.MIN_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER }), Type.String({ maxLength: 64 })],
  { description: 'Echoed in the reply.' });

/** Client → server frames of `GET /ws` (../shared/API.md, "WebSocket"). */
export const ClientFrame = Type.Union([
  Type.Object({ id: FrameId, op: Type.Literal('ping') }, { additionalProperties: false }),
  Type.Object({ id: Type.Optional(FrameId), op: Type.Literal('auth'), token: Type.String({ minLength: 1, maxLength: 4096, description: 'An access token.' }) },
    { additionalProperties: false }),
  Type.Object({ id: FrameId, op: Type.Literal('subscribe'), topic: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false }),
  Type.Object({ id: FrameId, op: Type.Literal('unsubscribe'), topic: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false }),
  Type.Object({
    id: FrameId, op: Type.Literal('command'), name: Type.String({ minLength: 1, maxLength: 100 }), args: Type.Unknown(),
    idempotency_key: Type.Optional(Type.String({ minLength: 1, maxLength: LIMITS.idempotencyKey })),
  }, { additionalProperties: false }),
]);
export type ClientFrame = Static<typeof ClientFrame>;

const validFrame = bodyValidator(ClientFrame, 'frame');

/** Encoding of a frame: text frames are JSON, binary frames msgpack; replies use the client's. */
export type Encoding = 'json' | 'msgpack';

/**
 * Decodes and validates one client frame.
 * @throws Problem 400 `malformed-json` (undecodable) or `validation-error` (wrong shape).
 */
export function decodeFrame(message: ArrayBuffer, encoding: Encoding): ClientFrame {
  let value: unknown;
  try {
    value = encoding === 'json' ? JSON.parse(Buffer.from(message).toString('utf8')) : unpackBytes(new Uint8Array(message));
  } catch (err) {
    throw problems.malformedJson(`The frame is not valid ${encoding === 'json' ? 'JSON' : 'msgpack'}: ${(err as Error).message}`);
  }
  return validFrame(value);
}

/** The id of a frame that failed validation, if one can be read, so the error reply still correlates. */
export function frameIdOf(message: ArrayBuffer, encoding: Encoding): unknown {
  try {
    const v = (encoding === 'json' ? JSON.parse(Buffer.from(message).toString('utf8')) : unpackBytes(new Uint8Array(message))) as { id?: unknown };
    return Number.isSafeInteger(v.id) || (typeof v.id === 'string' && v.id.length <= 64) ? v.id : null;
  } catch {
    return null;
  }
}

/** Encodes a server frame in `encoding`. */
export function encodeFrame(frame: unknown, encoding: Encoding): string | Uint8Array {
  return encoding === 'json' ? JSON.stringify(frame) : packBytes(frame);
}
