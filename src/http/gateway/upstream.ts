import type { Readable } from 'node:stream';
import { Pool, type Dispatcher } from 'undici';
import { Problem } from '../../core/errors.ts';
import type { GatewayStats, UpstreamErrorKind } from '../../metrics/gateway.ts';
import { Breaker } from './breaker.ts';
import { Exchange } from './exchange.ts';
import { relayedResponseHeaders } from './headers.ts';
import { gatewayProblems } from './problems.ts';

/** One request to the upstream. */
export interface UpstreamRequest {
  /** Gateway route it serves (metrics label), e.g. `/proxy/*`. */
  route: string;
  method: string;
  /** Path and query on the upstream, starting with `/` (the UPSTREAM_URL prefix included). */
  path: string;
  /** undici's flat `[name, value, …]` list. */
  headers: string[];
  body?: Readable | undefined;
  /** The client, when its going away must cancel the call (see ForwardedRequest). */
  client?: ClientLink | undefined;
}

/** How a call learns that its client went away (ForwardedRequest has this shape). */
export interface ClientLink {
  readonly aborted: boolean;
  onAbort: (() => void) | undefined;
}

/** The error an exchange is cancelled with when its client went away. */
const clientGone = () => Object.assign(new Error('The client went away.'), { name: 'AbortError' });

/** An upstream answer read whole into memory. */
export interface StoredResponse {
  status: number;
  /** Headers to relay to the client (see relayedResponseHeaders). */
  headers: [string, string][];
  body: Buffer;
  /** The upstream's `Cache-Control` ('' when absent; `private` added when it sets a cookie). */
  cacheControl: string;
  /** The upstream's `Vary` ('' when absent). */
  vary: string;
}

export interface UpstreamOptions {
  /** Connect, response-headers and between-chunks timeout, ms (UPSTREAM_TIMEOUT_MS). */
  timeoutMs: number;
  /** Keep-alive connections at most (UPSTREAM_CONNECTIONS). */
  connections: number;
  /** Consecutive failures that open the breaker, and how long it stays open (ms). */
  breakerFailures: number;
  breakerHalfOpenMs: number;
  stats: GatewayStats;
}

const TIMEOUTS = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);
const CLIENT_FAULTS = new Set(['UND_ERR_INVALID_ARG', 'UND_ERR_NOT_SUPPORTED']);
const isAbort = (err: unknown) => err instanceof Error && (err.name === 'AbortError' || (err as { code?: string }).code === 'UND_ERR_ABORTED');
/** Errors that say nothing about the upstream's health: the client's abort, its oversized body, a request undici refuses. */
const clientCaused = (err: unknown) =>
  isAbort(err) || (err instanceof Problem && err.status < 500) || CLIENT_FAULTS.has((err as { code?: string } | undefined)?.code ?? '');

/**
 * The upstream service behind the gateway, reached through one undici Pool of keep-alive
 * connections to UPSTREAM_URL's origin, every call through the circuit breaker (Breaker).
 * Failures become Problems: no answer in time 504, refused or reset connection or an unusable
 * answer 502, breaker open 503; each is counted in GatewayStats by kind, with the latency.
 */
export class Upstream {
  private readonly pool: Pool;
  readonly breaker: Breaker;
  /** UPSTREAM_URL's path without a trailing `/` ('' for none): prefixed to every forwarded path. */
  readonly prefix: string;
  /** UPSTREAM_URL's origin, e.g. `http://127.0.0.1:8081`. */
  readonly origin: string;

  /** @param url UPSTREAM_URL (validated by config.ts). */
  constructor(url: string, private readonly o: UpstreamOptions) {
    const u = new URL(url);
    this.origin = u.origin;
    this.prefix = u.pathname.replace(/\/+$/, '');
    this.pool = new Pool(u.origin, {
      connections: o.connections, pipelining: 1, connectTimeout: o.timeoutMs,
      headersTimeout: o.timeoutMs, bodyTimeout: o.timeoutMs, keepAliveTimeout: 30_000,
    });
    this.breaker = new Breaker(o.breakerFailures, o.breakerHalfOpenMs, {
      error: (err) => !clientCaused(err),
      result: (r) => (r as Exchange).status >= 500,
    });
  }

  /**
   * Sends `r` and resolves at the response head; the body is then the caller's to `pipe` (or `abort`).
   * @throws Problem 503 breaker open, 504 timeout, 502 refused/reset, 400 a request undici cannot send, 413 body over the limit.
   */
  async send(r: UpstreamRequest): Promise<Exchange> {
    const rec = this.o.stats.recorder(r.route, r.method);
    const start = performance.now();
    try {
      const ex = await this.breaker.run(() => this.dispatch(r));
      rec.done(ex.status, start);
      if (ex.status >= 500) this.o.stats.error('status_5xx');
      return ex;
    } catch (err) {
      rec.done(0, start);
      throw this.problem(err);
    }
  }

  private dispatch(r: UpstreamRequest): Promise<Exchange> {
    return new Promise<Exchange>((resolve, reject) => {
      const ex: Exchange = new Exchange((err) => (err === undefined ? resolve(ex) : reject(err)));
      const client = r.client;
      if (client !== undefined) {
        if (client.aborted) return reject(clientGone());
        client.onAbort = () => ex.abort(clientGone());
      }
      this.pool.dispatch({ method: r.method as Dispatcher.HttpMethod, path: r.path, headers: r.headers, body: r.body ?? null }, ex);
    });
  }

  /**
   * Sends `r` and reads the whole answer.
   * @param maxBytes largest body accepted; a larger one is a 502 Problem.
   * @throws Problem as `send`; 502/504 when the body fails or times out midway.
   */
  async fetch(r: UpstreamRequest, maxBytes: number): Promise<StoredResponse> {
    const ex = await this.send(r);
    const body = await new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      ex.pipe({
        data: (chunk) => {
          size += chunk.length;
          if (size <= maxBytes) chunks.push(chunk);
          else {
            this.o.stats.error('bad_response');
            const tooLarge = gatewayProblems.badGateway(`The upstream answer to ${r.method} ${r.path} exceeds ${maxBytes} bytes, the most the gateway holds in memory.`);
            reject(tooLarge);
            ex.abort(tooLarge);
          }
          return true;
        },
        end: () => resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size)),
        error: (err) => reject(this.problem(err)),
      });
    });
    const cookie = ex.headers['set-cookie'] !== undefined;
    const cc = String(ex.headers['cache-control'] ?? '');
    return {
      status: ex.status,
      headers: relayedResponseHeaders(ex.headers),
      body,
      cacheControl: cookie ? (cc === '' ? 'private' : `${cc}, private`) : cc,
      vary: String(ex.headers.vary ?? ''),
    };
  }

  /** Closes the pool's connections. */
  close(): Promise<void> {
    return this.pool.close();
  }

  /** The Problem for an upstream failure, counted by kind. */
  problem(err: unknown): Problem {
    if (err instanceof Problem) {
      if (err.status === 503) this.o.stats.error('circuit_open');
      return err;
    }
    const code = (err as { code?: string } | undefined)?.code ?? '';
    const count = (kind: UpstreamErrorKind) => { if (!clientCaused(err)) this.o.stats.error(kind); };
    if (TIMEOUTS.has(code)) {
      count('timeout');
      return gatewayProblems.timeout(this.o.timeoutMs);
    }
    if (CLIENT_FAULTS.has(code)) return gatewayProblems.unforwardable((err as Error).message);
    if (code === 'ECONNREFUSED') {
      count('refused');
      return gatewayProblems.badGateway(`The upstream (${this.origin}) refused the connection.`);
    }
    count('reset');
    return gatewayProblems.badGateway(`The connection to the upstream failed: ${(err as Error).message ?? String(err)}.`);
  }
}
