import { Problem } from '../../core/errors.ts';

/** Problems of the gateway (../shared/API.md, "Gateway"): what a client sees when the upstream fails. */
export const gatewayProblems = {
  /** 502: the upstream refused the connection, reset it, or answered something unusable. */
  badGateway: (detail: string) => new Problem(502, 'bad-gateway', 'Bad gateway', detail),
  /** 504: the upstream did not answer within UPSTREAM_TIMEOUT_MS. */
  timeout: (timeoutMs: number) =>
    new Problem(504, 'gateway-timeout', 'Gateway timeout', `The upstream did not answer within ${timeoutMs} ms.`),
  /** 503 with `Retry-After` (seconds): the circuit breaker is open after repeated upstream failures. */
  circuitOpen: (retryAfterSeconds: number) =>
    new Problem(503, 'upstream-unavailable', 'Service unavailable',
      `The upstream failed repeatedly; requests to it are suspended for ${retryAfterSeconds} s.`, undefined, { 'Retry-After': String(retryAfterSeconds) }),
  /** 404: no UPSTREAM_URL is configured. */
  noUpstream: () => new Problem(404, 'not-found', 'Not found', 'No upstream is configured (UPSTREAM_URL is unset).'),
  /** 400: the request cannot be forwarded as sent (undici refuses its method, path or a header). */
  unforwardable: (detail: string) => new Problem(400, 'unforwardable-request', 'Request cannot be forwarded', detail),
} as const;
