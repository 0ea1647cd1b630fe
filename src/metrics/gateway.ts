import { RequestStats, type RouteRecorder } from './route-stats.ts';

/** Why an upstream call failed (label `kind` of `sortie_upstream_errors_total`). */
export type UpstreamErrorKind = 'timeout' | 'refused' | 'reset' | 'bad_response' | 'status_5xx' | 'circuit_open';

/** Methods kept as their own label value; any other is counted as `OTHER` (bounded label set). */
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * Counters of the gateway (plain numbers, kept with METRICS=off too; exported by FrontMetrics):
 * upstream calls by route, method and status with their latency to the response headers, upstream
 * errors by kind, response-cache outcomes, and the breaker's state.
 */
export class GatewayStats {
  readonly upstream = new RequestStats({
    total: 'sortie_upstream_requests_total', totalHelp: 'Requests sent to the upstream, by gateway route, method and upstream status (0: no answer).',
    duration: 'sortie_upstream_request_duration_seconds', durationHelp: 'Time from sending a request upstream to its response headers (or failure), seconds.',
  });
  readonly errors = new Map<UpstreamErrorKind, number>();
  readonly cache = { hits: 0, misses: 0, stale: 0, coalesced: 0 };
  private readonly recorders = new Map<string, RouteRecorder>();

  /** @param breakerState 0 closed, 1 open, 2 half-open (read at scrape time). */
  constructor(readonly breakerState: () => number) {}

  /** The latency recorder of `route` and `method`. */
  recorder(route: string, method: string): RouteRecorder {
    const m = METHODS.has(method) ? method : 'OTHER';
    const key = `${route} ${m}`;
    let r = this.recorders.get(key);
    if (r === undefined) this.recorders.set(key, (r = this.upstream.route(route, m)));
    return r;
  }

  /** Counts one upstream failure. */
  error(kind: UpstreamErrorKind): void {
    this.errors.set(kind, (this.errors.get(kind) ?? 0) + 1);
  }
}
