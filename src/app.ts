import { isIP } from 'node:net';
import pkg from '../package.json' with { type: 'json' };
import type { Config } from './config.ts';
import type { Logger } from './log.ts';
import { qrMatches } from './core/auth/booking-qr.ts';
import type { BookingRecord } from './core/schemas/bookings.ts';
import { Backups } from './http/admin/backup.ts';
import { storedSecret } from './http/auth/stored-secret.ts';
import { ReadSide } from './http/reads/read-side.ts';
import { startAuth } from './http/auth/setup.ts';
import { createGateway } from './http/gateway/gateway.ts';
import type { Lifecycle } from './http/router.ts';
import { startAdmin, startPublic, type HttpServer } from './http/server.ts';
import { FrontMetrics, type WsStats } from './metrics/front.ts';
import { assertReadable } from './store/layout.ts';
import { migrateStore } from './store/migrate.ts';
import { openStore } from './store/store.ts';
import { CommandBus } from './workers/command-bus.ts';
import { DeadlineTimer } from './workers/deadlines.ts';
import { Partitions } from './workers/partitions.ts';

const { version } = pkg;

/** A running sortie: the public front, the admin listener, the partition actors and the store. */
export interface RunningApp {
  http: HttpServer;
  admin: HttpServer;
  /** Resolves once the warm-up is done and every route serves (`/health` 200); rejects when the warm-up failed. */
  ready: Promise<void>;
  /** Graceful stop (after the warm-up, if one is running): 503 `stopping`, no new connections, in-flight commands finish, actors and LMDB close. */
  stop(): Promise<void>;
}

/**
 * Starts sortie: opens the store and refuses one of a newer layout, listens (public and admin:
 * `/health` answers 503 `starting`, every other route 503 problem+json `starting`), then warms up in
 * `ready`: migrates the store (store/migrate.ts), starts the partition actors (and waits for the
 * password hasher's dummy hash), loads the read side,
 * settles the booking deadlines that fell due while the server was down; then serves.
 * Logs `sortie listening` (with the ports) once bound, `sortie ready` once serving.
 * @throws StoreLayoutError when the store is newer than this build; Error when a port cannot be
 *   bound or the store cannot be opened.
 */
export async function startApp(config: Config, log: Logger): Promise<RunningApp> {
  const lifecycle: Lifecycle = { state: 'starting' };
  const store = openStore(config.DATA_DIR);
  try {
    assertReadable(store);
  } catch (err) {
    await store.env.close();
    throw err;
  }
  const qrKey = Buffer.from(config.QR_SECRET ?? storedSecret(config.DATA_DIR, 'qr-secret', 'QR_SECRET', 'booking QR codes', log));
  const partitions = new Partitions({
    count: config.PARTITIONS, dataDir: config.DATA_DIR, concurrency: config.ACTOR_CONCURRENCY,
    maxQueue: config.ACTOR_MAX_QUEUE, sweepEveryMs: config.IDEMPOTENCY_SWEEP_MS, sweepBatch: config.SWEEP_BATCH,
    bookingRules: { holdMs: config.BOOKING_HOLD_MS, ttlMs: config.BOOKING_TTL_MS },
  });
  const reads = new ReadSide(store, config.CACHE_MAX, config.PAGE_CACHE_BYTES, qrKey);
  const bus = new CommandBus(partitions, {
    lookups: {
      bookingOffer: (id) => store.bookings.get(id)?.offer_id,
      qrMatches: (token, id, offerId) => qrMatches(qrKey, token, id, offerId),
    },
    freshReads: () => store.env.resetReadTxn(),
    // A booking as its sender sees it: with its QR code for its booker only.
    present: (name, value, caller) => (name.startsWith('bookings.') && caller !== undefined ? reads.bookings.view(value as BookingRecord, caller) : value),
  });
  bus.onEvent((e) => reads.apply(e));
  const deadlines = new DeadlineTimer(store, bus, log);
  bus.onEvent((e) => deadlines.onEvent(e));
  const ws: WsStats = { connections: 0, messagesIn: 0, messagesOut: 0, slowConsumers: 0 };
  const auth = await startAuth(config, store, bus, log);
  const gateway = createGateway(config, reads.areas, log);
  const metrics = config.METRICS === 'on'
    ? new FrontMetrics({
      store, cache: () => reads.stats(), queueDepths: () => partitions.queueDepths(), actorMetrics: () => partitions.metrics(), ws: () => ws,
      rateLimitRejections: () => Object.fromEntries(Object.entries(auth.limiters).map(([scope, l]) => [scope, l.rejections])),
      gateway: gateway.stats,
    })
    : undefined;
  const deps = { bus, reads, store, log, lifecycle, metrics, ws };
  const body = { maxBytes: config.BODY_LIMIT, timeoutMs: config.BODY_TIMEOUT_MS, minRate: config.BODY_MIN_RATE, drainBytes: config.BODY_DRAIN_BYTES };
  const http = await startPublic({
    host: config.HOST, port: config.PORT, chunked: config.CHUNKED_BODIES, body,
    wsMaxBackpressure: config.WS_MAX_BACKPRESSURE, wsIdleTimeout: config.WS_IDLE_TIMEOUT, version,
  }, deps, auth, gateway);
  const backups = new Backups(store, config.DATA_DIR);
  const admin = await startAdmin(config.ADMIN_HOST, config.ADMIN_PORT, deps, {
    metrics, store, partitions, bus, reads, ws, version, token: config.ADMIN_TOKEN, backups,
  }, body);
  const url = urlOf(config.HOST, http.port);
  const adminUrl = urlOf(config.ADMIN_HOST, admin.port);
  log.info({ port: http.port, host: config.HOST, url, admin_port: admin.port, admin_host: config.ADMIN_HOST, admin_url: adminUrl, partitions: config.PARTITIONS, dataDir: config.DATA_DIR, version },
    `sortie listening on ${url} (admin ${adminUrl}, data ${config.DATA_DIR})`);

  const ready = (async () => {
    const started = performance.now();
    await migrateStore(store, { log, backup: () => backups.take() });
    // The actor threads start while the password hasher makes its dummy hash (libuv pool).
    await Promise.all([partitions.start(), auth.ready]);
    reads.offers.load();
    // Bookings whose deadline passed while the server was down are settled before it serves.
    const { settled } = await deadlines.expireDue(Date.now());
    if (settled > 0) log.info({ settled }, 'settled bookings past their deadline');
    lifecycle.state = 'ok';
    deadlines.arm();
    log.info({ warm_up_ms: Math.round(performance.now() - started) }, 'sortie ready');
  })();
  ready.catch(() => undefined);

  let stopping: Promise<void> | undefined;
  return {
    http,
    admin,
    ready,
    stop: () => (stopping ??= (async () => {
      await ready.catch(() => undefined);
      lifecycle.state = 'stopping';
      http.stopListening();
      admin.stopListening();
      await deadlines.stop();
      const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), config.SHUTDOWN_TIMEOUT_MS).unref());
      if ((await Promise.race([bus.idle(), timeout])) === 'timeout')
        log.warn({ pending: bus.pending }, 'shutdown timeout: commands still in flight');
      // The last commands' replies are written in promise callbacks queued as the bus went idle: let them run before closing.
      await new Promise((r) => setImmediate(r));
      http.closeAll();
      admin.closeAll();
      await gateway.close();
      await partitions.close();
      await store.env.close();
      log.info('sortie stopped');
    })()),
  };
}

/**
 * The URL a person on this machine opens for a listener: a wildcard address (`0.0.0.0`, `::`)
 * becomes `localhost`; an IPv6 literal is bracketed (RFC 3986 §3.2.2).
 */
export function urlOf(host: string, port: number): string {
  if (host === '0.0.0.0' || host === '::') return `http://localhost:${port}`;
  return `http://${isIP(host) === 6 ? `[${host}]` : host}:${port}`;
}
