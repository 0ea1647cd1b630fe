import type { Config } from '../../config.ts';
import type { Logger } from '../../log.ts';
import { GatewayStats } from '../../metrics/gateway.ts';
import type { AreaReads } from '../reads/areas.ts';
import { Aggregator, localAreas, upstreamAreas } from './aggregate.ts';
import { ResponseCache } from './cache.ts';
import { ReverseProxy } from './proxy.ts';
import { Upstream } from './upstream.ts';

/** The gateway's parts, as the routes and metrics use them. */
export interface Gateway {
  aggregator: Aggregator;
  /** Undefined when UPSTREAM_URL is unset (`/proxy/*` then answers 404). */
  proxy: ReverseProxy | undefined;
  stats: GatewayStats;
  /** Closes the upstream connections. */
  close(): Promise<void>;
}

const BREAKER_STATES = { closed: 0, open: 1, 'half-open': 2 } as const;

/** Builds the gateway from the configuration: with UPSTREAM_URL an upstream pool, breaker and proxy; the aggregator either way. */
export function createGateway(config: Config, reads: AreaReads, log: Logger): Gateway {
  let upstream: Upstream | undefined;
  const stats = new GatewayStats(() => (upstream === undefined ? 0 : BREAKER_STATES[upstream.breaker.state]));
  const cache = new ResponseCache(config.GATEWAY_CACHE_BYTES, config.STALE_IF_ERROR_MS, stats.cache);
  if (config.UPSTREAM_URL !== undefined)
    upstream = new Upstream(config.UPSTREAM_URL, {
      timeoutMs: config.UPSTREAM_TIMEOUT_MS, connections: config.UPSTREAM_CONNECTIONS,
      breakerFailures: config.BREAKER_FAILURES, breakerHalfOpenMs: config.BREAKER_HALF_OPEN_MS, stats,
    });
  const source = upstream === undefined ? localAreas(reads) : upstreamAreas(upstream, cache.maxEntryBytes);
  return {
    aggregator: new Aggregator(source, cache, config.AGGREGATE_CACHE_TTL_MS, config.AGGREGATE_MAX_ITEMS),
    proxy: upstream === undefined ? undefined : new ReverseProxy(upstream, cache, config.PROXY_CACHE_TTL_MS, log),
    stats,
    close: async () => { await upstream?.close(); },
  };
}
