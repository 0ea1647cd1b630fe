/**
 * Problem details (RFC 9457): the one error type of sortie.
 *
 * Every error a client can cause is a `Problem`; transports turn it into an
 * `application/problem+json` reply (HTTP) or an `{ ok: false, error }` frame (WebSocket).
 * A Problem crosses threads as its plain JSON form (`ProblemBody`), never as an Error object.
 */

/** Base of every problem `type` URI: `https://sortie.dev/problems/<slug>`. */
export const PROBLEM_BASE = 'https://sortie.dev/problems/';

/** One invalid field: `path` is a JSON Pointer (RFC 6901) into the input, e.g. `/name`. */
export interface FieldError {
  path: string;
  message: string;
}

/** The JSON body of a problem, as sent on the wire (RFC 9457 section 3). */
export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: FieldError[];
}

/** An error a client caused (4xx) or a state the server is in (503), carrying its HTTP status. */
export class Problem extends Error {
  /**
   * @param status HTTP status code (400–599).
   * @param slug last segment of the `type` URI, e.g. `not-found`.
   * @param title short, human-readable summary that does not change between occurrences.
   * @param detail explanation specific to this occurrence.
   * @param errors per-field errors (validation).
   * @param headers extra response headers (e.g. `Allow` for 405, `Retry-After` for 429/503).
   */
  constructor(
    readonly status: number,
    readonly slug: string,
    readonly title: string,
    detail?: string,
    readonly errors?: FieldError[],
    readonly headers?: Readonly<Record<string, string>>,
  ) {
    super(detail ?? title);
    this.name = 'Problem';
  }

  /** The RFC 9457 body. */
  toJSON(): ProblemBody {
    const body: ProblemBody = { type: PROBLEM_BASE + this.slug, title: this.title, status: this.status };
    if (this.message !== this.title) body.detail = this.message;
    if (this.errors !== undefined) body.errors = this.errors;
    return body;
  }

  /** Rebuilds a Problem from its wire form (e.g. a reply from a worker thread). */
  static fromJSON(body: ProblemBody): Problem {
    const slug = body.type.startsWith(PROBLEM_BASE) ? body.type.slice(PROBLEM_BASE.length) : body.type;
    return new Problem(body.status, slug, body.title, body.detail, body.errors);
  }
}

/** Constructors for the problems of the API contract (../shared/API.md, Conventions). */
export const problems = {
  invalid: (errors: FieldError[], detail = 'The request is invalid.') =>
    new Problem(400, 'validation-error', 'Invalid request', detail, errors),
  malformedJson: (detail: string) => new Problem(400, 'malformed-json', 'Malformed JSON body', detail),
  notFound: (detail: string) => new Problem(404, 'not-found', 'Not found', detail),
  methodNotAllowed: (method: string, allow: readonly string[]) =>
    new Problem(405, 'method-not-allowed', 'Method not allowed', `${method} is not allowed here; use ${allow.join(', ')}.`,
      undefined, { Allow: allow.join(', ') }),
  /** 401 with an RFC 6750 challenge: no usable credentials were sent. */
  unauthorized: (detail: string) =>
    new Problem(401, 'unauthorized', 'Unauthorized', detail, undefined, { 'WWW-Authenticate': 'Bearer' }),
  /** 401: the access token is malformed, forged, expired or no longer names an account (RFC 6750, section 3.1). */
  invalidToken: (detail: string) =>
    new Problem(401, 'invalid-token', 'Invalid token', detail, undefined, { 'WWW-Authenticate': 'Bearer error="invalid_token"' }),
  forbidden: (detail: string) => new Problem(403, 'forbidden', 'Forbidden', detail),
  conflict: (slug: string, detail: string) => new Problem(409, slug, 'Conflict', detail),
  /** 408 (RFC 9110 §15.5.9): the request body paused longer than `pauseMs` or arrived slower than `minRate` bytes/s. */
  requestTimeout: (pauseMs: number, minRate: number) => new Problem(408, 'request-timeout', 'Request timeout',
    `The request body must keep arriving: no pause over ${pauseMs} ms, and at least ${minRate} bytes/s on average after the first ${pauseMs} ms.`),
  payloadTooLarge: (limitBytes: number) =>
    new Problem(413, 'payload-too-large', 'Payload too large', `The body exceeds the limit of ${limitBytes} bytes.`),
  unsupportedMediaType: (got: string) =>
    new Problem(415, 'unsupported-media-type', 'Unsupported media type',
      `Expected Content-Type: application/json, got ${got === '' ? 'none' : JSON.stringify(got)}.`),
  /** 429 with `Retry-After` (seconds) and any rate-limit headers of the refusing window. */
  tooManyRequests: (retryAfterSeconds: number, detail: string, headers?: Readonly<Record<string, string>>) =>
    new Problem(429, 'rate-limited', 'Too many requests', detail, undefined, { ...headers, 'Retry-After': String(retryAfterSeconds) }),
  /** 400: the request's framing is ambiguous (RFC 9112 §6.3); the connection is closed after the answer. */
  badFraming: (detail: string) => new Problem(400, 'bad-framing', 'Ambiguous request framing', detail),
  /** 411: a chunked request body where only Content-Length is accepted (README, CHUNKED_BODIES). */
  lengthRequired: () => new Problem(411, 'length-required', 'Length required',
    'Chunked request bodies are not accepted; send the body with Content-Length.'),
  /** 431: the request line and header fields exceed `limitBytes`. */
  headersTooLarge: (limitBytes: number) => new Problem(431, 'headers-too-large', 'Request header fields too large',
    `The request line and header fields exceed the limit of ${limitBytes} bytes.`),
  /** 426 (RFC 9110 §15.5.22) naming the protocol to upgrade to, e.g. a WebSocket version other than 13 (RFC 6455 §4.4). */
  upgradeRequired: (detail: string) => new Problem(426, 'upgrade-required', 'Upgrade required', detail, undefined,
    { Upgrade: 'websocket', Connection: 'Upgrade', 'Sec-WebSocket-Version': '13' }),
  /** 501: the request uses a feature the server does not implement (e.g. a transfer coding, RFC 9112 §6.1). */
  notImplemented: (detail: string) => new Problem(501, 'not-implemented', 'Not implemented', detail),
  unavailable: (slug: 'starting' | 'stopping' | 'overloaded', detail: string, retryAfterSeconds = 1) =>
    new Problem(503, slug, 'Service unavailable', detail, undefined, { 'Retry-After': String(retryAfterSeconds) }),
} as const;
