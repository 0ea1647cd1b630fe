import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, startChild, waitFor200, type Child } from './processes.ts';
import type { Row } from './results.ts';
import { HOT_IDS, PACE_MS } from './wrk.ts';

/** Servers of the gateway scenarios (issue 10), besides the seeded sortie they stand in front of. */
export interface GatewayUrls {
  /** A sortie with UPSTREAM_URL = the seeded sortie, PROXY_CACHE_TTL_MS=0, AGGREGATE_CACHE_TTL_MS=0. */
  gatewayNoCache: string;
  /** The same with PROXY_CACHE_TTL_MS=60000 and the default AGGREGATE_CACHE_TTL_MS. */
  gatewayCache: string;
  /** A bare uWS server answering the bytes of one `/aggregate/areas` answer: the ceiling for that size. */
  ceilingAggregate: string;
  /** The usual Node.js gateway for comparison: Fastify + @fastify/reply-from (bench/fastify-gateway.ts). */
  fastifyGateway: string;
}

/**
 * Starts the two gateways in front of `upstreamUrl` (each with its own empty DATA_DIR under
 * `work`, one partition, LOG_LEVEL=warn, RATE_LIMIT=off) and the Fastify one, captures one `/aggregate/areas` answer and
 * starts the bare uWS server that answers it (bench/ceiling.ts with CEILING_BODY_FILE).
 * @param children every started process is pushed here (the caller stops them).
 * @returns their URLs and the size of the aggregate answer, bytes.
 */
export async function startGateways(upstreamUrl: string, root: string, work: string, children: Child[]): Promise<{ urls: GatewayUrls; aggregateBytes: number }> {
  const [noCachePort, cachePort, ceilingPort, fastifyPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const env = { HOST: '127.0.0.1', ADMIN_PORT: '0', LOG_LEVEL: 'warn', RATE_LIMIT: 'off', PARTITIONS: '1', UPSTREAM_URL: upstreamUrl };
  const noCache = startChild('gateway-no-cache', ['--import', 'tsx', 'src/main.ts'],
    { ...env, PORT: String(noCachePort), DATA_DIR: join(work, 'gw-no-cache'), PROXY_CACHE_TTL_MS: '0', AGGREGATE_CACHE_TTL_MS: '0' }, root, join(work, 'gateway-no-cache.log'));
  const cache = startChild('gateway-cache', ['--import', 'tsx', 'src/main.ts'],
    { ...env, PORT: String(cachePort), DATA_DIR: join(work, 'gw-cache'), PROXY_CACHE_TTL_MS: '60000' }, root, join(work, 'gateway-cache.log'));
  const fastify = startChild('fastify-gateway', ['--import', 'tsx', 'bench/fastify-gateway.ts'], { PORT: String(fastifyPort), UPSTREAM_URL: upstreamUrl }, root, join(work, 'fastify-gateway.log'));
  children.push(noCache, cache, fastify);
  const gatewayNoCache = `http://127.0.0.1:${noCachePort}`;
  const gatewayCache = `http://127.0.0.1:${cachePort}`;
  const fastifyGateway = `http://127.0.0.1:${fastifyPort}`;
  await Promise.all([waitFor200(`${gatewayNoCache}/health`, noCache), waitFor200(`${gatewayCache}/health`, cache), waitFor200(`${fastifyGateway}/proxy/health`, fastify)]);
  const res = await fetch(`${gatewayNoCache}/aggregate/areas`);
  if (res.status !== 200) throw new Error(`GET /aggregate/areas through the gateway: ${res.status} ${await res.text()}`);
  const body = Buffer.from(await res.arrayBuffer());
  const bodyFile = join(work, 'aggregate.json');
  writeFileSync(bodyFile, body);
  const ceiling = startChild('ceiling-aggregate', ['--import', 'tsx', 'bench/ceiling.ts'], { PORT: String(ceilingPort), CEILING_BODY_FILE: bodyFile }, root, join(work, 'ceiling-aggregate.log'));
  children.push(ceiling);
  const ceilingAggregate = `http://127.0.0.1:${ceilingPort}`;
  await waitFor200(`${ceilingAggregate}/`, ceiling);
  return { urls: { gatewayNoCache, gatewayCache, ceilingAggregate, fastifyGateway }, aggregateBytes: body.length };
}

/** Labels of the gateway scenarios (bench/load.ts), by role, for the summary lines. */
export const GATEWAY_LABELS = {
  direct: 'upstream direct: GET /areas/{id}',
  proxy: 'gateway: GET /proxy/areas/{id}, no cache',
  proxyCached: 'gateway: GET /proxy/areas/{id}, cached',
  proxyHot: `gateway: GET /proxy/areas/{id}, cached, hot set of ${HOT_IDS}`,
  fastify: 'Fastify + @fastify/reply-from: GET /proxy/areas/{id} (for comparison)',
  directPaced: `upstream direct: GET /areas/{id}, paced (${PACE_MS} ms between requests per connection)`,
  proxyPaced: `gateway: GET /proxy/areas/{id}, no cache, paced (${PACE_MS} ms)`,
  directList: 'upstream direct: GET /areas?limit=1000',
  aggregate: 'gateway: GET /aggregate/areas, no cache',
  aggregateCached: 'gateway: GET /aggregate/areas, cached',
  ceilingAggregate: 'ceiling: bare uWS, the aggregate\'s bytes',
} as const;

/** Issue 10's aims: proxy overhead (p99 through the gateway − p99 direct) under 2 ms; the seed's aggregation overhead under 100 ms p95. */
const PROXY_OVERHEAD_AIM_MS = 2;
const SEED_AGGREGATION_AIM_MS = 100;

/**
 * Summary lines of the gateway scenarios, per connection count, from rows of the same run:
 * proxy overhead at p99 (cache off and on) against the upstream hit directly, and the aggregation
 * overhead at p95 against the upstream's own `GET /areas?limit=1000` (the same 1000 items), with
 * how far under the seed's 100 ms it is.
 */
export function gatewaySummary(rows: readonly Row[]): string[] {
  const find = (label: string, connections: number) => rows.find((r) => r.scenario === label && r.connections === connections);
  const out: string[] = [];
  const mark = (ok: boolean) => (ok ? '✓' : '✗');
  for (const connections of [...new Set(rows.map((r) => r.connections))]) {
    for (const [label, what, directLabel] of [[GATEWAY_LABELS.proxy, 'no cache, saturating', GATEWAY_LABELS.direct],
      [GATEWAY_LABELS.fastify, 'Fastify + reply-from, for comparison, saturating', GATEWAY_LABELS.direct],
      [GATEWAY_LABELS.proxyCached, 'cached, saturating', GATEWAY_LABELS.direct], [GATEWAY_LABELS.proxyHot, 'cached hot set, saturating', GATEWAY_LABELS.direct],
      [GATEWAY_LABELS.proxyPaced, `no cache, paced ${PACE_MS} ms`, GATEWAY_LABELS.directPaced]] as const) {
      const via = find(label, connections);
      const direct = find(directLabel, connections);
      if (direct === undefined || via === undefined) continue;
      const overhead = via.p99Ms - direct.p99Ms;
      out.push(`Proxy overhead (${what}) at ${connections} connections: p99 ${via.p99Ms.toFixed(2)} ms through the gateway − ${direct.p99Ms.toFixed(2)} ms direct `
        + `= ${overhead.toFixed(2)} ms (aim < ${PROXY_OVERHEAD_AIM_MS} ms) ${mark(overhead < PROXY_OVERHEAD_AIM_MS)}; throughput ${Math.round((via.reqPerSec / direct.reqPerSec) * 100)}% of direct`);
    }
    const list = find(GATEWAY_LABELS.directList, connections);
    for (const [label, what] of [[GATEWAY_LABELS.aggregate, 'no cache'], [GATEWAY_LABELS.aggregateCached, 'cached']] as const) {
      const agg = find(label, connections);
      if (list === undefined || agg === undefined) continue;
      const overhead = agg.p95Ms - list.p95Ms;
      out.push(`Aggregation overhead (${what}) at ${connections} connections: p95 ${agg.p95Ms.toFixed(2)} ms − ${list.p95Ms.toFixed(2)} ms for the upstream's own page `
        + `= ${overhead.toFixed(2)} ms (seed aim < ${SEED_AGGREGATION_AIM_MS} ms) ${mark(overhead < SEED_AGGREGATION_AIM_MS)}`
        + (overhead < SEED_AGGREGATION_AIM_MS ? `, ${(SEED_AGGREGATION_AIM_MS - overhead).toFixed(1)} ms under it` : ''));
    }
  }
  return out;
}
