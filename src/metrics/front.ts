import { AggregatorRegistry, collectDefaultMetrics, Counter, Gauge, Registry, type MetricObjectWithValues, type MetricValue } from 'prom-client';
import type { ReadCacheStats } from '../http/reads/read-side.ts';
import type { Store } from '../store/store.ts';
import type { GatewayStats } from './gateway.ts';
import { RequestStats, type RouteRecorder } from './route-stats.ts';

/** What the front thread's metrics read at scrape time. */
export interface FrontSources {
  store: Store;
  /** Read-cache counters and size. */
  cache: () => ReadCacheStats;
  /** Commands queued per partition. */
  queueDepths: () => number[];
  /** Every actor's series (getMetricsAsJSON form). */
  actorMetrics: () => Promise<unknown[]>;
  /** WebSocket counters. */
  ws: () => WsStats;
  /** Requests refused with 429 since start, by limiter scope. */
  rateLimitRejections: () => Record<string, number>;
  /** The gateway's counters (/proxy/*, /aggregate/areas). */
  gateway: GatewayStats;
}

/** Counters kept by the WebSocket front (plain numbers: cheap, and there with metrics off). */
export interface WsStats {
  connections: number;
  messagesIn: number;
  messagesOut: number;
  slowConsumers: number;
}

/** prom-client default gauges whose names break the Prometheus naming rule for `_total`. */
const NON_COUNTER_TOTALS = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];

type Json = MetricObjectWithValues<MetricValue<string>>[];

/** A counter fed from a monotonically growing number read at scrape time. */
function counterFrom(registry: Registry, name: string, help: string, read: () => number): void {
  let seen = 0;
  new Counter({
    name, help, registers: [registry],
    collect() {
      const now = read();
      if (now > seen) this.inc(now - seen);
      seen = now;
    },
  });
}

/**
 * Metrics of the front thread (prom-client), served with the actors' series at `GET /metrics`
 * on the admin listener. Names are prefixed `sortie_`; durations are seconds (Prometheus base unit).
 */
export class FrontMetrics {
  readonly registry = new Registry();
  private readonly requests = new RequestStats();
  readonly inFlight: Gauge;

  constructor(private readonly sources: FrontSources) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    // prom-client names these three gauges `_total`, a suffix Prometheus keeps for counters
    // (`promtool check metrics` warns). Their per-type siblings (`nodejs_active_handles{type}`, ...)
    // carry the same numbers: the totals are `sum(nodejs_active_handles)` and so on.
    for (const name of NON_COUNTER_TOTALS) this.registry.removeSingleMetric(name);
    this.inFlight = new Gauge({ name: 'sortie_http_requests_in_flight', help: 'HTTP requests waiting for an asynchronous answer.', registers });
    const ws = sources.ws;
    new Gauge({ name: 'sortie_ws_connections', help: 'Open WebSocket connections.', registers, collect() { this.set(ws().connections); } });
    counterFrom(this.registry, 'sortie_ws_messages_in_total', 'WebSocket frames received.', () => ws().messagesIn);
    counterFrom(this.registry, 'sortie_ws_messages_out_total', 'WebSocket frames sent: replies, plus one per subscriber per published event.', () => ws().messagesOut);
    counterFrom(this.registry, 'sortie_ws_slow_consumers_total', 'WebSockets closed (1013) for a backlog over WS_MAX_BACKPRESSURE.', () => ws().slowConsumers);

    const seenRejections = new Map<string, number>();
    new Counter({ name: 'sortie_rate_limit_rejections_total', help: 'Requests and logins refused with 429, by limiter scope.', labelNames: ['scope'], registers,
      collect() {
        for (const [scope, n] of Object.entries(sources.rateLimitRejections())) {
          this.inc({ scope }, n - (seenRejections.get(scope) ?? 0));
          seenRejections.set(scope, n);
        }
      } });
    const cache = sources.cache;
    counterFrom(this.registry, 'sortie_cache_hits_total', 'Read-cache hits.', () => cache().hits);
    counterFrom(this.registry, 'sortie_cache_misses_total', 'Read-cache misses (read from LMDB).', () => cache().misses);
    counterFrom(this.registry, 'sortie_cache_evictions_total', 'Read-cache entries evicted by the LRU.', () => cache().evictions);
    counterFrom(this.registry, 'sortie_page_cache_hits_total', 'Collection pages served already encoded.', () => cache().pageHits);
    counterFrom(this.registry, 'sortie_page_cache_misses_total', 'Collection pages built from the index and cached items.', () => cache().pageMisses);
    const gw = sources.gateway;
    new Gauge({ name: 'sortie_upstream_breaker_state', help: 'Circuit breaker in front of the upstream: 0 closed, 1 open, 2 half-open.', registers,
      collect() { this.set(gw.breakerState()); } });
    const seenErrors = new Map<string, number>();
    new Counter({ name: 'sortie_upstream_errors_total', help: 'Upstream calls that failed, by kind (timeout, refused, reset, bad_response, status_5xx, circuit_open).', labelNames: ['kind'], registers,
      collect() {
        for (const [kind, n] of gw.errors) {
          this.inc({ kind }, n - (seenErrors.get(kind) ?? 0));
          seenErrors.set(kind, n);
        }
      } });
    counterFrom(this.registry, 'sortie_gateway_cache_hits_total', 'Gateway answers served fresh from memory.', () => gw.cache.hits);
    counterFrom(this.registry, 'sortie_gateway_cache_misses_total', 'Gateway answers fetched from the upstream (or the local store) for the cache.', () => gw.cache.misses);
    counterFrom(this.registry, 'sortie_gateway_cache_stale_total', 'Expired gateway answers served because the upstream failed (stale-if-error).', () => gw.cache.stale);
    counterFrom(this.registry, 'sortie_gateway_cache_coalesced_total', 'Gateway requests that waited for another identical in-flight upstream request.', () => gw.cache.coalesced);
    new Gauge({ name: 'sortie_cache_entries', help: 'Entries in the read cache.', registers, collect() { this.set(cache().size); } });
    new Gauge({ name: 'sortie_partition_queue_depth', help: 'Commands queued per partition.', labelNames: ['partition'], registers,
      collect() { sources.queueDepths().forEach((d, p) => this.set({ partition: String(p) }, d)); } });
    new Gauge({ name: 'sortie_lmdb_entries', help: 'Entries per LMDB database.', labelNames: ['db'], registers,
      collect() { for (const [db, n] of Object.entries(storeEntries(sources.store))) this.set({ db }, n); } });
    new Gauge({ name: 'sortie_lmdb_bytes', help: 'Bytes used in the LMDB file (last page × page size).', registers,
      collect() { this.set(storeBytes(sources.store)); } });
  }

  /** A recorder for one route template and method. */
  route(route: string, method: string): RouteRecorder {
    return this.requests.route(route, method);
  }

  /** Prometheus text exposition (version 0.0.4) of the front thread and every actor. */
  async exposition(): Promise<string> {
    // Actor series come through the partition queues: when one is full, scrape the front thread alone.
    const actors = ((await this.sources.actorMetrics().catch(() => [])) as Json[]);
    const front = [...(await this.registry.getMetricsAsJSON()), ...this.requests.toJSON(), ...this.sources.gateway.upstream.toJSON()] as Json;
    const merged = AggregatorRegistry.aggregate([front, ...actors]);
    return merged.metrics();
  }

  /** Content-Type of `exposition()`. */
  get contentType(): string {
    return this.registry.contentType;
  }
}

/** Entries per database of the store. */
export function storeEntries(store: Store): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, db] of Object.entries(store)) {
    if (name === 'env') continue;
    out[name] = (db as { getStats(): { entryCount: number } }).getStats().entryCount;
  }
  return out;
}

/** Bytes used by the LMDB environment: (last page number + 1) × page size. */
export function storeBytes(store: Store): number {
  const s = store.env.getStats() as { lastPageNumber: number; pageSize: number };
  return (s.lastPageNumber + 1) * s.pageSize;
}
