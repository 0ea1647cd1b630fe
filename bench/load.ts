/**
 * `npm run bench:load`: the load benchmark of issue 2. Starts the real server
 * (`node --import tsx src/main.ts`, LOG_LEVEL=warn, RATE_LIMIT=off) and a bare uWS server
 * (bench/ceiling.ts, the ceiling of this machine) as their own processes on free ports of
 * 127.0.0.1, seeds the cities with `src/cli/seed-cities.ts` first, then drives each scenario
 * with wrk at each connection count:
 *
 * - ceiling: the bare uWS server, with the same random `/areas/<id>` requests as the next one;
 * - `GET /areas/{id}`: ids drawn uniformly from every seeded city;
 * - `GET /areas?type=city&limit=100` and `GET /areas` (100 items each);
 * - `POST /areas`: `{"name": "bench <run>-<thread>-<n>", "type": "bench"}`, each a durable write;
 * - offers (issue 7), on the demo catalogue (`seed:demo`, BENCH_DEMO_OFFERS offers, seeded when one
 *   of these rows is selected): `GET /offers` nearby (a random city centre drawn as seed:demo draws
 *   them, 2 km, limit 20), by a word that hits, both; `GET /offers/{id}` anonymous and with a token;
 *   favorite toggle (`PUT` then `DELETE /me/favorites/{id}`, 8 users); `POST /offers` at an
 *   establishment of the bench's own partner. The accounts are registered through the API before the
 *   runs and their tokens refreshed before each authenticated run (bench/lib/offers.ts).
 * - the gateway (issue 10): two more sorties with UPSTREAM_URL = the seeded one, cache off and on
 *   (bench/lib/gateway.ts): `GET /proxy/areas/{id}` against `GET /areas/{id}` on the upstream directly,
 *   `GET /aggregate/areas` (1000 cities) against the upstream's `GET /areas?limit=1000` and a bare uWS
 *   server answering the same bytes (its ceiling), and a Fastify + @fastify/reply-from gateway for scale,
 *   alternating run by run.
 *
 * Prints one markdown table (req/s, p50/p95/p99 in ms, errors, ratio to the ceiling at the same
 * connection count, the issue's aims) and writes it, with the command, into the "## Load" section
 * of bench/RESULTS.md, the gateway rows into "## Gateway" (other sections are kept; a section is
 * written only when all its scenarios ran). Percentiles come from wrk's latency histogram via
 * the scripts' `done` hook (bench/lib/wrk.ts). Every run is bounded; both servers are stopped at the
 * end, on error and on SIGINT/SIGTERM. Needs wrk (Debian: `apt-get install -y wrk`).
 *
 * Environment (all optional):
 * - `BENCH_DURATION` seconds per measured run (default 10); `BENCH_WARMUP` seconds of unrecorded
 *   load before each scenario (default 3, 0 = none);
 * - `BENCH_REPEAT` measured runs per row, the one with the median req/s is kept (default 1; the
 *   machine is shared, so a single run can land on a busy moment);
 * - `BENCH_CONNECTIONS` comma-separated connection counts (default `100,200`);
 *   `BENCH_THREADS` wrk threads (default 1: on 2 cores a second one mostly takes CPU from the server);
 * - `BENCH_DATA_DIR` an already-seeded DATA_DIR to reuse (no seeding; POSTs add `bench` areas to it);
 *   default: a temp dir, seeded, removed at the end;
 * - `BENCH_SCENARIOS` comma-separated scenario keys to run (`ceiling,by-id,by-id-no-metrics,list-city,
 *   list,post,offers-nearby,offers-text,offers-nearby-text,offer-by-id,offer-by-id-auth,favorite-toggle,
 *   offer-post`, default all); without `ceiling` there are no ratios, and a partial run leaves RESULTS.md alone;
 * - `BENCH_DEMO_OFFERS` offers of the demo catalogue for the offer rows (default 100000; with
 *   BENCH_DATA_DIR, seed:demo runs on it too and adds only what is missing);
 * - `BENCH_CPU_PROF` a directory: the server runs with `node --cpu-prof` and writes its profile
 *   there on exit;
 * - `PARTITIONS`, `CACHE_MAX`, …: passed on to the server as usual.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../src/config.ts';
import { intEnv, settingsOrExit } from '../src/cli/env.ts';
import { GATEWAY_LABELS, gatewaySummary, startGateways, type GatewayUrls } from './lib/gateway.ts';
import { benchWorkspace, freePort, runSeed, startChild, waitFor200 } from './lib/processes.ts';
import { prepareOffers, type OfferBench } from './lib/offers.ts';
import { TABLE_HEADER, tableRow, writeSection, type Row } from './lib/results.ts';
import { writeOfferScripts, type OfferScripts } from './lib/wrk-offers.ts';
import { runWrk, writeScripts, wrkVersion, type WrkResult, type WrkScripts } from './lib/wrk.ts';

const ROOT = new URL('../', import.meta.url).pathname;
const RESULTS = join(ROOT, 'bench', 'RESULTS.md');
/** Issue 2: p99 under 10 ms on every scenario at 200 connections. */
const P99_AIM_MS = 10;
const P99_AIM_CONNECTIONS = 200;

/** One thing wrk drives. */
interface Scenario {
  key: string;
  label: string;
  server: 'ceiling' | 'sortie' | 'sortieNoMetrics' | keyof GatewayUrls;
  /** RESULTS.md section of its row (default `## Load`). */
  section?: '## Gateway';
  /** Key of the scenario its "of ceiling" compares with (default `ceiling`; `none`: no ratio). */
  ceiling?: string;
  /** Path given to wrk; scripts with a `request()` hook build their own. */
  path: string;
  script: keyof WrkScripts | keyof OfferScripts;
  /** Scenarios with the same group alternate run by run (see the main loop). */
  group?: string;
  /** Issue 2's throughput aim, if any: req/s, or a share of the ceiling. */
  minReqPerSec?: number;
  minOfCeiling?: number;
  /** Needs the demo catalogue and the bench's accounts (issue 7). */
  offers?: true;
  /** Sends access tokens: they are refreshed before each run. */
  auth?: true;
  /** False for the writes of issue 7, which holds only reads to p99 < 10 ms. */
  p99Aim?: false;
}

const SCENARIOS: Scenario[] = [
  { key: 'ceiling', label: 'ceiling: bare uWS, fixed JSON', server: 'ceiling', path: '/', script: 'byId', group: 'by-id' },
  { key: 'by-id', label: 'GET /areas/{id} (random city)', server: 'sortie', path: '/', script: 'byId', minOfCeiling: 0.75, group: 'by-id' },
  { key: 'by-id-no-metrics', label: 'GET /areas/{id}, METRICS=off', server: 'sortieNoMetrics', path: '/', script: 'byId', group: 'by-id' },
  { key: 'list-city', label: 'GET /areas?type=city&limit=100', server: 'sortie', path: '/areas?type=city&limit=100', script: 'get', minReqPerSec: 25_000 },
  { key: 'list', label: 'GET /areas (100 items)', server: 'sortie', path: '/areas', script: 'get', minReqPerSec: 25_000 },
  { key: 'post', label: 'POST /areas (durable)', server: 'sortie', path: '/areas', script: 'post', minReqPerSec: 20_000 },
  { key: 'offers-nearby', label: 'GET /offers nearby (city centre, 2 km, limit 20)', server: 'sortie', path: '/', script: 'nearby', offers: true, minReqPerSec: 20_000 },
  { key: 'offers-text', label: 'GET /offers?q=<word> (limit 20)', server: 'sortie', path: '/', script: 'text', offers: true, minReqPerSec: 20_000 },
  { key: 'offers-nearby-text', label: 'GET /offers nearby + q', server: 'sortie', path: '/', script: 'nearbyText', offers: true },
  { key: 'offer-by-id', label: 'GET /offers/{id}', server: 'sortie', path: '/', script: 'byIdAnon', offers: true, minOfCeiling: 0.75, group: 'by-id' },
  { key: 'offer-by-id-auth', label: 'GET /offers/{id}, Bearer token', server: 'sortie', path: '/', script: 'byIdAuth', offers: true, auth: true, minOfCeiling: 0.75, group: 'by-id' },
  { key: 'favorite-toggle', label: 'PUT/DELETE /me/favorites/{id} (durable)', server: 'sortie', path: '/', script: 'favoriteToggle', offers: true, auth: true, p99Aim: false },
  { key: 'offer-post', label: 'POST /offers (durable)', server: 'sortie', path: '/', script: 'offerPost', offers: true, auth: true, minReqPerSec: 10_000, p99Aim: false },
  ...([
    { key: 'gw-direct', label: GATEWAY_LABELS.direct, server: 'sortie', path: '/', script: 'byId', group: 'proxy' },
    { key: 'gw-proxy', label: GATEWAY_LABELS.proxy, server: 'gatewayNoCache', path: '/', script: 'proxyById', group: 'proxy' },
    { key: 'gw-fastify', label: GATEWAY_LABELS.fastify, server: 'fastifyGateway', path: '/', script: 'proxyById', group: 'proxy' },
    { key: 'gw-proxy-cached', label: GATEWAY_LABELS.proxyCached, server: 'gatewayCache', path: '/', script: 'proxyById', group: 'proxy' },
    { key: 'gw-proxy-hot', label: GATEWAY_LABELS.proxyHot, server: 'gatewayCache', path: '/', script: 'hotProxyById', group: 'proxy' },
    { key: 'gw-direct-paced', label: GATEWAY_LABELS.directPaced, server: 'sortie', path: '/', script: 'pacedById', group: 'paced', ceiling: 'none' },
    { key: 'gw-proxy-paced', label: GATEWAY_LABELS.proxyPaced, server: 'gatewayNoCache', path: '/', script: 'pacedProxyById', group: 'paced', ceiling: 'none' },
    { key: 'gw-ceiling', label: GATEWAY_LABELS.ceilingAggregate, server: 'ceilingAggregate', path: '/', script: 'get', group: 'aggregate' },
    { key: 'gw-direct-list', label: GATEWAY_LABELS.directList, server: 'sortie', path: '/areas?limit=1000', script: 'get', group: 'aggregate', ceiling: 'gw-ceiling' },
    { key: 'gw-aggregate', label: GATEWAY_LABELS.aggregate, server: 'gatewayNoCache', path: '/aggregate/areas', script: 'get', group: 'aggregate', ceiling: 'gw-ceiling' },
    { key: 'gw-aggregate-cached', label: GATEWAY_LABELS.aggregateCached, server: 'gatewayCache', path: '/aggregate/areas', script: 'get', group: 'aggregate', ceiling: 'gw-ceiling', minOfCeiling: 0.75 },
  ] satisfies Scenario[]).map((s): Scenario => ({ ...s, section: '## Gateway' })),
];

/** `p99 < 10 ms ✓, ≥ 75% of ceiling ✗`, … for one row: the issue's aims it is held to, met or not. */
function aims(s: Scenario, connections: number, r: WrkResult, ofCeiling: number | undefined): string {
  const out: string[] = [];
  const mark = (ok: boolean, text: string) => out.push(`${text} ${ok ? '✓' : '✗'}`);
  if (connections === P99_AIM_CONNECTIONS && s.p99Aim !== false) mark(r.p99Ms < P99_AIM_MS, `p99 < ${P99_AIM_MS} ms`);
  if (s.minReqPerSec !== undefined) mark(r.reqPerSec >= s.minReqPerSec, `≥ ${s.minReqPerSec / 1000}k/s`);
  if (s.minOfCeiling !== undefined && ofCeiling !== undefined) mark(ofCeiling >= s.minOfCeiling, `≥ ${s.minOfCeiling * 100}% of ceiling`);
  if (r.badStatus + r.socketErrors > 0) out.push('errors ✗');
  return out.join(', ');
}

/** Issue 3: the cost of metrics on GET /areas/{id}, as the req/s difference between the same server with METRICS on and off. */
function metricsCost(rows: Row[]): string[] {
  const on = SCENARIOS.find((s) => s.key === 'by-id')!.label;
  const off = SCENARIOS.find((s) => s.key === 'by-id-no-metrics')!.label;
  return rows.filter((r) => r.scenario === on).flatMap((r) => {
    const o = rows.find((x) => x.scenario === off && x.connections === r.connections);
    if (o === undefined) return [];
    const cost = (o.reqPerSec - r.reqPerSec) / o.reqPerSec;
    return [`Metrics cost, GET /areas/{id} at ${r.connections} connections: ${Math.round(r.reqPerSec).toLocaleString('en')} req/s with METRICS=on, `
      + `${Math.round(o.reqPerSec).toLocaleString('en')} with METRICS=off: ${(cost * 100).toFixed(1)}% (aim ≤ 5%) ${Math.abs(cost) <= 0.05 ? '✓' : '✗'}`];
  });
}

/**
 * Writes the id of every `city` area served at `base` into `file`, one per line.
 * @returns how many. @throws Error when there are none.
 */
async function writeCityIds(base: string, file: string): Promise<number> {
  const ids: number[] = [];
  let path: string | undefined = '/areas?type=city&limit=1000';
  while (path !== undefined) {
    const res: Response = await fetch(base + path);
    if (res.status !== 200) throw new Error(`GET ${path}: ${res.status}`);
    for (const a of (await res.json()) as { id: number }[]) ids.push(a.id);
    path = /<([^>]+)>; rel="next"/.exec(res.headers.get('link') ?? '')?.[1];
  }
  if (ids.length === 0) throw new Error('no city in the data dir: run `npm run seed:cities` on it first, or leave BENCH_DATA_DIR unset');
  writeFileSync(file, `${ids.join('\n')}\n`);
  return ids.length;
}

/** Settings from the environment. @throws ConfigError on a bad value. */
function settings() {
  const list = (name: string, fallback: string) => (process.env[name] || fallback).split(',').map((s) => s.trim()).filter((s) => s !== '');
  const connections = list('BENCH_CONNECTIONS', '100,200').map(Number);
  if (connections.some((c) => !Number.isSafeInteger(c) || c < 1))
    throw new ConfigError(`Invalid configuration:\n  BENCH_CONNECTIONS=${JSON.stringify(process.env.BENCH_CONNECTIONS)}: must be positive integers, comma-separated`);
  const keys = list('BENCH_SCENARIOS', SCENARIOS.map((s) => s.key).join(','));
  const unknown = keys.filter((k) => !SCENARIOS.some((s) => s.key === k));
  if (unknown.length > 0)
    throw new ConfigError(`Invalid configuration:\n  BENCH_SCENARIOS: unknown ${unknown.join(', ')}; known: ${SCENARIOS.map((s) => s.key).join(', ')}`);
  return {
    duration: intEnv('BENCH_DURATION', 10),
    warmup: intEnv('BENCH_WARMUP', 3, 0),
    threads: intEnv('BENCH_THREADS', 1),
    repeat: intEnv('BENCH_REPEAT', 1),
    connections,
    scenarios: SCENARIOS.filter((s) => keys.includes(s.key)),
    dataDir: process.env.BENCH_DATA_DIR || undefined,
    demoOffers: intEnv('BENCH_DEMO_OFFERS', 100_000),
    cpuProf: process.env.BENCH_CPU_PROF || undefined,
  };
}

/** The command line that reproduces this run: the BENCH_ and server settings that were set. */
function commandLine(): string {
  const shown = ['BENCH_DURATION', 'BENCH_WARMUP', 'BENCH_REPEAT', 'BENCH_CONNECTIONS', 'BENCH_THREADS', 'BENCH_SCENARIOS', 'BENCH_DEMO_OFFERS', 'PARTITIONS', 'CACHE_MAX', 'ACTOR_CONCURRENCY'];
  const env = shown.filter((k) => process.env[k]).map((k) => `${k}=${process.env[k]}`);
  return [...env, 'npm run bench:load'].join(' ');
}

const opts = settingsOrExit(settings);
const wrk = wrkVersion();
if (wrk === undefined) {
  process.stderr.write('bench:load needs wrk, which is not installed. On Debian/Ubuntu: apt-get update && apt-get install -y wrk\n');
  process.exit(1);
}

const { work, dataDir, children, signal, cleanup } = benchWorkspace('sortie-bench-', opts.dataDir);

try {
  let seedLine = `reused ${dataDir} (BENCH_DATA_DIR)`;
  if (opts.dataDir === undefined) {
    process.stderr.write(`bench:load: seeding the cities into ${dataDir}\n`);
    seedLine = (await runSeed(ROOT, dataDir)).replace(/^seed:cities /, '');
  }
  const withOffers = opts.scenarios.some((s) => s.offers === true);
  if (withOffers) {
    process.stderr.write(`bench:load: seeding ${opts.demoOffers} demo offers into ${dataDir}\n`);
    seedLine += `; demo: ${(await runSeed(ROOT, dataDir, 'src/cli/seed-demo.ts', { DEMO_OFFERS: String(opts.demoOffers) })).replace(/^seed:demo /, '')}`;
  }

  const [ceilingPort, sortiePort, bareMetricsPort] = [await freePort(), await freePort(), await freePort()];
  const ceiling = startChild('ceiling', ['--import', 'tsx', 'bench/ceiling.ts'], { PORT: String(ceilingPort) }, ROOT, join(work, 'ceiling.log'));
  children.push(ceiling);
  const profArgs: string[] = [];
  if (opts.cpuProf !== undefined) {
    mkdirSync(opts.cpuProf, { recursive: true });
    profArgs.push('--cpu-prof', `--cpu-prof-dir=${opts.cpuProf}`);
  }
  const sortieEnv = { HOST: '127.0.0.1', ADMIN_PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'warn', RATE_LIMIT: 'off' };
  const sortie = startChild('sortie', [...profArgs, '--import', 'tsx', 'src/main.ts'], { ...sortieEnv, PORT: String(sortiePort) }, ROOT, join(work, 'sortie.log'));
  children.push(sortie);
  // The same server with METRICS=off on the same store (LMDB is multi-process), for the cost of metrics (issue 3).
  const noMetrics = startChild('sortie-no-metrics', ['--import', 'tsx', 'src/main.ts'],
    { ...sortieEnv, PORT: String(bareMetricsPort), METRICS: 'off' }, ROOT, join(work, 'sortie-no-metrics.log'));
  children.push(noMetrics);
  const base = { ceiling: `http://127.0.0.1:${ceilingPort}`, sortie: `http://127.0.0.1:${sortiePort}`, sortieNoMetrics: `http://127.0.0.1:${bareMetricsPort}` };
  await Promise.all([waitFor200(`${base.ceiling}/`, ceiling), waitFor200(`${base.sortie}/health`, sortie), waitFor200(`${base.sortieNoMetrics}/health`, noMetrics)]);
  let aggregateLine = '';
  let gateways: GatewayUrls = { gatewayNoCache: '', gatewayCache: '', ceilingAggregate: '', fastifyGateway: '' };
  if (opts.scenarios.some((s) => s.section === '## Gateway')) {
    const started = await startGateways(base.sortie, ROOT, work, children);
    gateways = started.urls;
    aggregateLine = `; /aggregate/areas answer: ${started.aggregateBytes} bytes`;
  }
  const urls = { ...base, ...gateways };

  const idsFile = join(work, 'ids.txt');
  const cityCount = await writeCityIds(urls.sortie, idsFile);
  const runId = Date.now().toString(36);
  let offerBench: OfferBench | undefined;
  let scripts: Partial<Record<Scenario['script'], string>> = writeScripts(work, idsFile, runId);
  if (withOffers) {
    offerBench = await prepareOffers(urls.sortie, work, runId);
    scripts = { ...scripts, ...writeOfferScripts(work, offerBench.files, runId) };
  }
  const header = `bench:load: ${cpus()[0]?.model ?? 'unknown CPU'} × ${availableParallelism()}, Node ${process.version}, ${wrk} `
    + `(${opts.threads} thread${opts.threads === 1 ? '' : 's'}), ${opts.duration} s per run (median of ${opts.repeat}) after ${opts.warmup} s warm-up; ${cityCount} cities${offerBench === undefined ? '' : `, ${offerBench.ids} offer ids read`}; seed: ${seedLine}${aggregateLine}`;
  console.log(`${header}\n\n${TABLE_HEADER}`);

  const rows: Row[] = [];
  // Scenarios of one group alternate run by run, so their ratios (of ceiling, metrics on/off) compare
  // the same minutes of this noisy machine.
  const groups: Scenario[][] = [];
  for (const s of opts.scenarios) {
    const g = s.group === undefined ? undefined : groups.find((x) => x[0]?.group === s.group);
    if (g === undefined) groups.push([s]);
    else g.push(s);
  }
  const job = async (s: Scenario, connections: number, duration: number) => {
    if (s.auth === true) await offerBench?.refreshTokens();
    return runWrk({ url: urls[s.server] + s.path, script: scripts[s.script] as string, connections, threads: opts.threads, duration, signal });
  };
  for (const group of groups) {
    if (opts.warmup > 0) for (const s of group) await job(s, Math.max(...opts.connections), opts.warmup);
    for (const connections of opts.connections) {
      const runs = group.map(() => [] as WrkResult[]);
      for (let i = 0; i < opts.repeat; i++) for (const [k, s] of group.entries()) runs[k]!.push(await job(s, connections, opts.duration));
      for (const [k, s] of group.entries()) {
        const r = runs[k]!.sort((a, b) => a.reqPerSec - b.reqPerSec)[Math.floor(runs[k]!.length / 2)]!;
        const reference = SCENARIOS.find((x) => x.key === (s.ceiling ?? 'ceiling'))?.label;
        const ceilingRow = rows.find((x) => x.scenario === reference && x.connections === connections);
        const ofCeiling = s.server === 'ceiling' || s.server === 'ceilingAggregate' || ceilingRow === undefined ? undefined : r.reqPerSec / ceilingRow.reqPerSec;
        const row: Row = { ...r, scenario: s.label, connections, ofCeiling, aims: aims(s, connections, r, ofCeiling), load: loadavg()[0] ?? 0 };
        rows.push(row);
        console.log(tableRow(row));
      }
    }
  }

  const summaries = { '## Load': metricsCost(rows), '## Gateway': gatewaySummary(rows) };
  console.log(['', ...summaries['## Load'], ...summaries['## Gateway']].join('\n'));
  const date = new Date().toISOString().slice(0, 16).replace('T', ' ');
  const method = 'Each server runs in its own process; wrk is a third. Percentiles are wrk\'s (from its latency histogram, '
    + `via the Lua \`done\` hook); "errors" counts status ≥ 400 and socket errors; "load avg" is the `
    + '1-minute load average after the row (about 2 is ours: server + wrk; more means other work shared the cores).';
  const intro = {
    '## Load': '"of ceiling" compares with the bare uWS server at the same connection count, driven with the same random `/areas/<id>` requests.',
    '## Gateway': 'Issue 10. Two more sorties (one partition each) with UPSTREAM_URL = the seeded sortie: cache off '
      + '(PROXY_CACHE_TTL_MS=0, AGGREGATE_CACHE_TTL_MS=0: every request goes upstream, concurrent identical aggregates still share one fetch) '
      + 'and cache on (PROXY_CACHE_TTL_MS=60000, AGGREGATE_CACHE_TTL_MS=5000; "cached" draws ids from every city, so most are misses; '
      + '"hot set" from the first 1000 only, so nearly all are hits). Rows of one group alternate run by run, so compare within a group. '
      + '"of ceiling": proxy rows against the small-JSON ceiling (first row), aggregate rows against a bare uWS server answering the same bytes as '
      + '`/aggregate/areas` (1000 cities). Saturating rows send the next request as soon as the answer arrives, so their latency is '
      + 'mostly queueing (Little\'s law: connections / req/s); paced rows wait 40 ms per connection before each request (wrk\'s `delay` hook, '
      + '≈ 5k req/s offered at 200 connections, under both servers\' capacity): their p99 difference is the cost of the extra hop. '
      + '"Fastify + @fastify/reply-from" is the usual Node.js gateway (bench/fastify-gateway.ts, no cache, breaker or tracing) on the same upstream, for scale. '
      + 'Six processes and wrk share 2 cores: a gateway row pays for the upstream\'s CPU too.',
  };
  for (const section of ['## Load', '## Gateway'] as const) {
    const mine = SCENARIOS.filter((s) => (s.section ?? '## Load') === section);
    if (!mine.every((s) => opts.scenarios.includes(s))) {
      console.log(`\npartial run (BENCH_SCENARIOS): "${section}" of ${RESULTS} left as is`);
      continue;
    }
    // With the ceilings its ratios refer to.
    const labels = new Set(mine.flatMap((s) => [s.label, SCENARIOS.find((x) => x.key === (s.ceiling ?? 'ceiling'))?.label ?? s.label]));
    writeSection(RESULTS, section, [
      `${date} UTC. Machine: 2 cores, noisy (the server, its actor threads and wrk share them); ${header.replace(/^bench:load: /, '')}.`,
      '',
      `Command: \`${commandLine()}\``,
      '',
      `${method} ${intro[section]}`,
      '',
      TABLE_HEADER,
      ...rows.filter((r) => labels.has(r.scenario)).map(tableRow),
      '',
      ...summaries[section],
    ].join('\n'));
    console.log(`\nwritten to ${RESULTS} ("${section}")`);
  }
  await cleanup(false);
} catch (err) {
  await cleanup(true);
  process.stderr.write(`bench:load failed: ${err instanceof Error ? err.stack : String(err)}\nlogs kept in ${work}\n`);
  process.exit(1);
}
