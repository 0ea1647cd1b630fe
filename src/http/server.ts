import uws, { type TemplatedApp, type us_listen_socket } from 'uWebSockets.js';
import { isActiveAt } from '../core/time/schedule.ts';
import type { Logger } from '../log.ts';
import type { Store } from '../store/store.ts';
import type { FrontMetrics, WsStats } from '../metrics/front.ts';
import type { CommandBus } from '../workers/command-bus.ts';
import { adminRoutes, type AdminDeps } from './admin/routes.ts';
import type { ReadSide } from './reads/read-side.ts';
import type { Gate } from './auth/gate.ts';
import type { Auth } from './auth/setup.ts';
import type { BodyLimits } from './body-reader.ts';
import type { ChunkedBodies } from './framing.ts';
import type { Gateway } from './gateway/gateway.ts';
import { gatewayRoutes } from './gateway/routes.ts';
import { buildOpenApi } from './openapi.ts';
import { Router, type Lifecycle, type RouteDef } from './router.ts';
import { areaRoutes } from './routes/areas.ts';
import { authRoutes } from './routes/auth.ts';
import { healthRoutes } from './routes/health.ts';
import { bookingRoutes } from './routes/bookings.ts';
import { establishmentRoutes } from './routes/establishments.ts';
import { favoriteRoutes } from './routes/favorites.ts';
import { meRoutes } from './routes/me.ts';
import { offerRoutes } from './routes/offers.ts';
import { partnerRoutes } from './routes/partners.ts';
import { openApiRoute } from './routes/openapi.ts';
import { bookingTopicKey } from './ws/booking-topics.ts';
import { wsBehavior, type SocketData } from './ws/socket.ts';

/** uSockets LIBUS_LISTEN_EXCLUSIVE_PORT. */
const EXCLUSIVE_PORT = 1;

/** A listening uWS app. */
export interface HttpServer {
  app: TemplatedApp;
  /** The bound port. */
  port: number;
  /** Stops accepting connections; open ones keep being served. */
  stopListening(): void;
  /** Closes every open connection. */
  closeAll(): void;
}

/** What both listeners share. */
export interface FrontDeps {
  bus: CommandBus;
  reads: ReadSide;
  store: Store;
  log: Logger;
  lifecycle: Lifecycle;
  metrics: FrontMetrics | undefined;
  ws: WsStats;
}

/**
 * The uWS binary shipped for Node 20 (ABI 115). On any other Node, the package silently falls
 * back to a slow pure-JS server without route parameters or pub/sub (DEPENDENCY-NOTES): refuse.
 * @throws Error when the native build cannot be used.
 */
export function assertNativeUws(): void {
  if (process.versions.modules !== '115')
    throw new Error(`sortie needs Node 20 (ABI 115) for the native uWebSockets.js build; this is Node ${process.version} (ABI ${process.versions.modules}).`);
}

/** Registers `routes` (plus 405/404) on `app` and listens. @throws Error when the port cannot be bound. */
async function serve(app: TemplatedApp, routes: RouteDef[], host: string, port: number,
  d: FrontDeps & { body: BodyLimits; chunked: ChunkedBodies; version?: string; gate?: Gate }): Promise<HttpServer> {
  const router = new Router(app, { body: d.body, chunked: d.chunked, log: d.log, lifecycle: d.lifecycle, metrics: d.metrics, gate: d.gate });
  for (const r of routes) router.add(r);
  if (d.version !== undefined) {
    const version = d.version;
    router.add(openApiRoute(() => JSON.stringify(buildOpenApi(router.routes, version))));
  }
  router.finish();
  const socket = await new Promise<us_listen_socket>((resolve, reject) => {
    // Exclusive: without it uWS sets SO_REUSEPORT and a second sortie on the same port starts silently.
    app.listen(host, port, EXCLUSIVE_PORT, (s) => (s === false ? reject(new Error(`cannot listen on ${host}:${port} (in use?)`)) : resolve(s)));
  });
  let listening: us_listen_socket | undefined = socket;
  return {
    app,
    port: uws.us_socket_local_port(socket as never),
    stopListening() {
      if (listening !== undefined) uws.us_listen_socket_close(listening);
      listening = undefined;
    },
    closeAll: () => app.close(),
  };
}

/** Settings of the public listener. */
export interface PublicOptions {
  host: string;
  /** 0 picks an ephemeral port. */
  port: number;
  /** Request bodies (BODY_LIMIT, BODY_TIMEOUT_MS, BODY_MIN_RATE, BODY_DRAIN_BYTES); `maxBytes` is also the largest WebSocket message. */
  body: BodyLimits;
  /** Request bodies sent with `Transfer-Encoding: chunked` (CHUNKED_BODIES). */
  chunked: ChunkedBodies;
  wsMaxBackpressure: number;
  wsIdleTimeout: number;
  version: string;
}

/** Starts the public listener: HTTP routes (the gateway's too), `/openapi.json` and `/ws`. */
export function startPublic(o: PublicOptions, d: FrontDeps, auth: Auth, gateway: Gateway): Promise<HttpServer> {
  assertNativeUws();
  const app = uws.App();
  app.ws<SocketData>('/ws', wsBehavior({
    app, bus: d.bus, log: d.log, lifecycle: d.lifecycle, stats: d.ws, gate: auth.gate, chunked: o.chunked,
    maxPayload: o.body.maxBytes, maxBackpressure: o.wsMaxBackpressure, idleTimeout: o.wsIdleTimeout,
    bookingTopicKey: (topic, caller) => bookingTopicKey(topic, caller, d.store, d.reads.bookings),
    isActiveNow: (id) => { const s = d.reads.offers.summaryOf(id); return s !== undefined && isActiveAt(s, Date.now()); },
  }));
  const routes = [
    ...healthRoutes(d.lifecycle), ...areaRoutes(d.bus, d.reads.areas), ...authRoutes(auth.accounts), ...meRoutes(d.bus, auth.accounts),
    ...partnerRoutes(d.bus, d.reads, d.store), ...establishmentRoutes(d.bus, d.reads, d.store), ...offerRoutes(d.bus, d.reads.offers),
    ...favoriteRoutes(d.bus, d.reads.offers, d.store), ...bookingRoutes(d.bus, d.reads.bookings, d.store),
    ...gatewayRoutes(gateway),
  ];
  return serve(app, routes, o.host, o.port, { ...d, body: o.body, chunked: o.chunked, version: o.version, gate: auth.gate });
}

/**
 * Starts the admin listener (metrics, stats, backup): never on the public port.
 * @param body the public listener's body limits; admin bodies are at most 1 KiB.
 */
export function startAdmin(host: string, port: number, d: FrontDeps, admin: AdminDeps, body: BodyLimits): Promise<HttpServer> {
  return serve(uws.App(), adminRoutes(admin), host, port, { ...d, metrics: undefined, body: { ...body, maxBytes: 1024 }, chunked: 'refuse' });
}
