import uws, { type TemplatedApp, type us_listen_socket } from 'uWebSockets.js';
import type { Logger } from '../log.ts';
import type { CommandBus } from '../workers/command-bus.ts';
import type { AreaReads } from './area-reads.ts';
import { buildOpenApi } from './openapi.ts';
import { Router, type Lifecycle } from './router.ts';
import { areaRoutes } from './routes/areas.ts';
import { healthRoutes } from './routes/health.ts';
import { openApiRoute } from './routes/openapi.ts';
import { wsBehavior, type SocketData } from './ws/socket.ts';

/** Settings of the public listener. */
export interface HttpOptions {
  host: string;
  /** 0 picks an ephemeral port. */
  port: number;
  bodyLimit: number;
  wsMaxBackpressure: number;
  wsIdleTimeout: number;
  version: string;
}

/** A listening public front. */
export interface HttpServer {
  app: TemplatedApp;
  /** The bound port. */
  port: number;
  /** Stops accepting connections; open ones keep being served. */
  stopListening(): void;
  /** Closes every open connection. */
  closeAll(): void;
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

/** Builds the public app (HTTP routes + `/ws`) and listens. @throws Error when the port cannot be bound. */
export async function startHttp(o: HttpOptions, deps: { bus: CommandBus; reads: AreaReads; log: Logger; lifecycle: Lifecycle }): Promise<HttpServer> {
  assertNativeUws();
  const app = uws.App();
  app.ws<SocketData>('/ws', wsBehavior({
    app, bus: deps.bus, log: deps.log, lifecycle: deps.lifecycle,
    maxPayload: o.bodyLimit, maxBackpressure: o.wsMaxBackpressure, idleTimeout: o.wsIdleTimeout,
  }));
  const router = new Router(app, { bodyLimit: o.bodyLimit, log: deps.log, lifecycle: deps.lifecycle });
  for (const r of [...healthRoutes(deps.lifecycle), ...areaRoutes(deps.bus, deps.reads)]) router.add(r);
  router.add(openApiRoute(() => JSON.stringify(buildOpenApi(router.routes, o.version))));
  router.finish();

  const socket = await new Promise<us_listen_socket>((resolve, reject) => {
    app.listen(o.host, o.port, (s) => (s === false ? reject(new Error(`cannot listen on ${o.host}:${o.port}`)) : resolve(s)));
  });
  let listening: us_listen_socket | undefined = socket;
  return {
    app,
    port: uws.us_socket_local_port(socket as never),
    stopListening() {
      if (listening !== undefined) uws.us_listen_socket_close(listening);
      listening = undefined;
    },
    closeAll() {
      app.close();
    },
  };
}
