import type { HttpRequest, HttpResponse, TemplatedApp } from 'uWebSockets.js';
import type { AreaReads } from '../../src/http/reads/areas.ts';
import type { Gate } from '../../src/http/auth/gate.ts';
import type { Store } from '../../src/store/store.ts';
import { Router, type Lifecycle } from '../../src/http/router.ts';
import { areaRoutes } from '../../src/http/routes/areas.ts';
import { createLogger } from '../../src/log.ts';
import { FrontMetrics } from '../../src/metrics/front.ts';
import type { CommandBus } from '../../src/workers/command-bus.ts';
import { GatewayStats } from '../../src/metrics/gateway.ts';

type UwsHandler = (res: HttpResponse, req: HttpRequest) => void;

/** What the stub response received: the last status line and body written. */
export interface Written {
  status: string;
  body: string | Uint8Array;
}

/** What the Router is built with, as in src/http/server.ts; each undefined part is off. */
export interface FrontOptions {
  /** `benchMetrics(...)`: records requests as with METRICS=on. */
  metrics?: FrontMetrics | undefined;
  /** The Gate of `startAuth` (anonymous requests: the rate limit when RATE_LIMIT=on). */
  gate?: Gate | undefined;
}

const PEER = new TextEncoder().encode('127.0.0.1').buffer;

/**
 * The real Router and area routes registered on a stub uWS app, so a GET can be driven without
 * sockets: everything JavaScript does on the front thread for one request (request copy,
 * parameter/query parsing, validation, read cache, reply writing into `res`, and with `metrics`
 * the per-request counter and histogram of src/metrics/front.ts, with `gate` authentication and
 * rate limiting). Not included: uWS's own HTTP parsing and URL matching (C++), and the socket write.
 * The peer is always 127.0.0.1 and requests carry only `Host` (anonymous).
 */
export class FrontPath {
  private readonly handlers = new Map<string, UwsHandler>();
  readonly written: Written = { status: '200 OK', body: '' };
  private readonly res: HttpResponse;

  constructor(bus: CommandBus, reads: AreaReads, o: FrontOptions) {
    const register = (method: string) => (pattern: string, h: UwsHandler) => this.handlers.set(`${method} ${pattern}`, h);
    const app = { get: register('get'), head: register('head'), post: register('post'), patch: register('patch'), put: register('put'), del: register('del'), any: register('any') };
    const lifecycle: Lifecycle = { state: 'ok' };
    const router = new Router(app as unknown as TemplatedApp, { body: { maxBytes: 1 << 20, timeoutMs: 10_000, minRate: 16_384, drainBytes: 8 << 20 }, chunked: 'refuse', log: createLogger('silent'), lifecycle, metrics: o.metrics, gate: o.gate });
    for (const r of areaRoutes(bus, reads)) router.add(r);
    const w = this.written;
    const res = {
      onAborted: () => res,
      cork: (f: () => void) => { f(); return res; },
      writeStatus: (s: string) => { w.status = s; return res; },
      writeHeader: () => res,
      end: (body: string | Uint8Array) => { w.body = body; return res; },
      getRemoteAddressAsText: () => PEER,
      endWithoutBody: () => { w.body = ''; return res; },
    };
    this.res = res as unknown as HttpResponse;
  }

  /**
   * Drives `GET <path>?<query>` through the route registered for `pattern`, with `params` as the
   * uWS route parameters. The reply lands in `written`; status is only written when it is not 200.
   * @throws Error when no GET route has that pattern.
   */
  get(pattern: string, path: string, query: string, params: readonly string[]): void {
    const h = this.handlers.get(`get ${pattern}`);
    if (h === undefined) throw new Error(`no GET ${pattern}`);
    this.written.status = '200 OK';
    const req = {
      getHeader: () => '',
      getParameter: (i: number) => params[i] ?? '',
      getUrl: () => path,
      getQuery: () => query,
      getCaseSensitiveMethod: () => 'GET',
      forEach: (cb: (name: string, value: string) => void) => cb('host', '127.0.0.1'),
    };
    h(this.res, req as unknown as HttpRequest);
  }
}

/**
 * The front thread's metrics as `METRICS=on` builds them, for the request recorders only: this
 * registry is never scraped here, so the scrape-time sources (queues, actors, WebSocket) are empty.
 */
export function benchMetrics(store: Store, reads: AreaReads): FrontMetrics {
  return new FrontMetrics({
    store, cache: () => ({ ...reads.items.stats(), ...reads.pageStats() }), queueDepths: () => [], actorMetrics: async () => [],
    ws: () => ({ connections: 0, messagesIn: 0, messagesOut: 0, slowConsumers: 0 }), rateLimitRejections: () => ({}),
    gateway: new GatewayStats(() => 0),
  });
}
