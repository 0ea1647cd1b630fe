import { readFileSync } from 'node:fs';
import type { Config } from './config.ts';
import type { Logger } from './log.ts';
import { AreaReads } from './http/area-reads.ts';
import type { Lifecycle } from './http/router.ts';
import { startHttp, type HttpServer } from './http/server.ts';
import { openStore } from './store/store.ts';
import { CommandBus } from './workers/command-bus.ts';
import { Partitions } from './workers/partitions.ts';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

/** A running sortie: the public front, the partition actors and the store. */
export interface RunningApp {
  http: HttpServer;
  /** Graceful stop: 503 `stopping`, no new connections, in-flight commands finish, actors and LMDB close. */
  stop(): Promise<void>;
}

/**
 * Starts sortie: opens the store, starts the partition actors, then listens.
 * @throws Error when the port cannot be bound or the store cannot be opened.
 */
export async function startApp(config: Config, log: Logger): Promise<RunningApp> {
  const lifecycle: Lifecycle = { state: 'starting' };
  const store = openStore(config.DATA_DIR);
  const partitions = new Partitions({
    count: config.PARTITIONS, dataDir: config.DATA_DIR, concurrency: config.ACTOR_CONCURRENCY,
    maxQueue: config.ACTOR_MAX_QUEUE, sweepEveryMs: config.IDEMPOTENCY_SWEEP_MS,
  });
  const bus = new CommandBus(partitions);
  const reads = new AreaReads(store, config.CACHE_MAX);
  bus.onEvent((e) => reads.apply(e));
  const http = await startHttp({
    host: config.HOST, port: config.PORT, bodyLimit: config.BODY_LIMIT,
    wsMaxBackpressure: config.WS_MAX_BACKPRESSURE, wsIdleTimeout: config.WS_IDLE_TIMEOUT, version,
  }, { bus, reads, log, lifecycle });
  lifecycle.state = 'ok';
  log.info({ port: http.port, host: config.HOST, partitions: config.PARTITIONS, dataDir: config.DATA_DIR, version }, 'sortie listening');

  let stopping: Promise<void> | undefined;
  return {
    http,
    stop: () => (stopping ??= (async () => {
      lifecycle.state = 'stopping';
      http.stopListening();
      const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), config.SHUTDOWN_TIMEOUT_MS).unref());
      if ((await Promise.race([bus.idle(), timeout])) === 'timeout')
        log.warn({ pending: bus.pending }, 'shutdown timeout: commands still in flight');
      http.closeAll();
      await partitions.close();
      await store.env.close();
      log.info('sortie stopped');
    })()),
  };
}
