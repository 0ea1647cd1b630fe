import type { MetricObjectWithValues, MetricValue } from 'prom-client';
import { LATENCY_BUCKETS_S } from './buckets.ts';

/** prom-client's JSON form of one metric family (what getMetricsAsJSON returns, minus `collect`). */
export type MetricJson = Omit<MetricObjectWithValues<MetricValue<string>>, 'collect'>;

/** Per-route recorder bound once at route registration. */
export interface RouteRecorder {
  /** Records one answered request; `startMs` from performance.now(). */
  done(status: number, startMs: number): void;
}

/** Counts of one route template and method: by status, and a latency histogram. */
class RouteStats implements RouteRecorder {
  readonly byStatus = new Map<number, number>();
  /** Non-cumulative counts per bucket of LATENCY_BUCKETS_S, plus +Inf last. */
  readonly buckets = new Float64Array(LATENCY_BUCKETS_S.length + 1);
  sum = 0;
  count = 0;

  constructor(readonly route: string, readonly method: string) {}

  done(status: number, startMs: number): void {
    const s = (performance.now() - startMs) / 1000;
    let i = 0;
    while (i < LATENCY_BUCKETS_S.length && s > (LATENCY_BUCKETS_S[i] as number)) i++;
    this.buckets[i]! += 1;
    this.sum += s;
    this.count++;
    this.byStatus.set(status, (this.byStatus.get(status) ?? 0) + 1);
  }
}

/** Names and help texts of the counter and histogram families a RequestStats exports. */
export interface StatsNames {
  total: string;
  totalHelp: string;
  duration: string;
  durationHelp: string;
}

const HTTP_NAMES: StatsNames = {
  total: 'sortie_http_requests_total', totalHelp: 'HTTP requests answered, by route template, method and status.',
  duration: 'sortie_http_request_duration_seconds', durationHelp: 'Time from request to reply written, seconds.',
};

/**
 * Request counters and latency histograms of the HTTP front, kept in plain numbers and typed
 * arrays: recording costs a few array writes instead of prom-client's per-call label hashing
 * (~1 µs, measured), which matters at 100k req/s. At scrape time they are exported in
 * prom-client's JSON form and merged by AggregatorRegistry with every other series.
 */
export class RequestStats {
  private readonly routes: RouteStats[] = [];

  /** @param names the two exported families (default: the HTTP front's). */
  constructor(private readonly names: StatsNames = HTTP_NAMES) {}

  /** A recorder for one route template and method. */
  route(route: string, method: string): RouteRecorder {
    const r = new RouteStats(route, method);
    this.routes.push(r);
    return r;
  }

  /** The counter (`sortie_http_requests_total` by default) and the histogram as prom-client JSON. */
  toJSON(): MetricJson[] {
    const names = this.names;
    const counts: MetricValue<string>[] = [];
    const hist: MetricValue<string>[] = [];
    for (const r of this.routes) {
      const labels = { route: r.route, method: r.method };
      for (const [status, value] of r.byStatus) counts.push({ value, labels: { ...labels, status: String(status) } });
      if (r.count === 0) continue;
      let cumulative = 0;
      r.buckets.forEach((n, i) => {
        cumulative += n;
        hist.push({ value: cumulative, metricName: `${names.duration}_bucket`, labels: { le: LATENCY_BUCKETS_S[i] ?? '+Inf', ...labels } } as MetricValue<string>);
      });
      hist.push({ value: r.sum, metricName: `${names.duration}_sum`, labels } as MetricValue<string>);
      hist.push({ value: r.count, metricName: `${names.duration}_count`, labels } as MetricValue<string>);
    }
    return [
      { name: names.total, help: names.totalHelp, type: 'counter' as never, values: counts, aggregator: 'sum' },
      { name: names.duration, help: names.durationHelp, type: 'histogram' as never, values: hist, aggregator: 'sum' },
    ];
  }
}
