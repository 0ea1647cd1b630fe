import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** One wrk run: its throughput, latency percentiles (ms) and failures. */
export interface WrkResult {
  requests: number;
  reqPerSec: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  /** Responses with status ≥ 400 (wrk's "Non-2xx or 3xx responses"). */
  badStatus: number;
  /** Socket errors: connect + read + write + timeout. */
  socketErrors: number;
}

/** What wrk runs: a URL and the Lua script that shapes each request. */
export interface WrkJob {
  url: string;
  /** Path of the Lua script (see `writeScripts`). */
  script: string;
  connections: number;
  threads: number;
  /** Seconds. */
  duration: number;
  /** Kills wrk when aborted (the run then rejects). */
  signal?: AbortSignal;
}

/**
 * The `done` hook every script ends with: one `WRK_JSON {...}` line with the summary and the
 * 50/95/99th latency percentiles (µs) of the same histogram `--latency` prints.
 */
export const REPORT = `
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRK_JSON {"requests":%d,"duration_us":%d,"p50_us":%d,"p95_us":%d,"p99_us":%d,'
    .. '"status":%d,"socket":%d}\\n', summary.requests, summary.duration, latency:percentile(50),
    latency:percentile(95), latency:percentile(99), e.status, e.connect + e.read + e.write + e.timeout))
end
`;

/** Gives each wrk thread a number, the global `tid` (from 1) of its Lua state. */
export const THREADS = `
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
`;

/**
 * Requests each wrk thread formats at start for `byId` and then cycles through: building the
 * string per request in Lua costs wrk about a third of its throughput on this machine.
 */
const BY_ID_POOL = 200_000;

/**
 * A script whose threads format `POOL` (= BY_ID_POOL) requests at start into `reqs` (Lua code
 * `fill`, run in `init` after seeding `math.random` per thread) and then cycle through them;
 * each connection waits `paceMs` before each request when it is above 0 (wrk's `delay` hook).
 */
export function pooled(fill: string, paceMs = 0): string {
  return `${THREADS}${paceMs > 0 ? `\nfunction delay()\n  return ${paceMs}\nend` : ''}
local POOL = ${BY_ID_POOL}
local reqs = {}
local i = 0
function init(args)
  math.randomseed(os.time() * 1000 + tid)${fill}
end
function request()
  i = i % POOL + 1
  return reqs[i]
end
${REPORT}`;
}

/**
 * Pause of each connection before each request of the paced scripts, ms: 200 connections then
 * offer at most 200 / (0.04 s + latency) ≈ 5k req/s, well under what the gateway or the upstream
 * serve on this machine, so latency shows the cost of the extra hop rather than queueing.
 */
export const PACE_MS = 40;

/** Ids of the hot set of `hotProxyById`: the first ones of the ids file. */
export const HOT_IDS = 1000;

/** Scripts of the scenarios, by name. */
export interface WrkScripts {
  /** Plain GET of the URL given to wrk. */
  get: string;
  /** GET `/areas/<id>`, ids drawn uniformly from the file of ids (one per line), BY_ID_POOL per thread. */
  byId: string;
  /** The same through the gateway: GET `/proxy/areas/<id>`. */
  proxyById: string;
  /** `byId` and `proxyById` paced: each connection waits PACE_MS before each request (wrk's `delay` hook), an offered load under saturation. */
  pacedById: string;
  pacedProxyById: string;
  /** `proxyById` over the first HOT_IDS ids only: a hot set a cache can hold. */
  hotProxyById: string;
  /** POST `/areas` with a unique name per request (run id, thread, counter). */
  post: string;
}

/**
 * Writes the Lua scripts into `dir`.
 * @param idsFile file of area ids, one per line, read by each wrk thread at start.
 * @param runId tag that makes POSTed names unique across runs.
 */
export function writeScripts(dir: string, idsFile: string, runId: string): WrkScripts {
  /** GET `<prefix>/areas/<id>` over the first `maxIds` ids of the file. */
  const byIdUnder = (prefix: string, paceMs = 0, maxIds = Number.MAX_SAFE_INTEGER) => pooled(`
  local ids = {}
  for line in io.lines(${JSON.stringify(idsFile)}) do
    if #ids >= ${maxIds} then break end
    ids[#ids + 1] = line
  end
  for k = 1, POOL do reqs[k] = wrk.format("GET", "${prefix}/areas/" .. ids[math.random(#ids)]) end`, paceMs);
  const post = `${THREADS}
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local n = 0
function request()
  n = n + 1
  return wrk.format(nil, "/areas", nil,
    string.format('{"name":"bench %s-%d-%d","type":"bench"}', ${JSON.stringify(runId)}, tid, n))
end
${REPORT}`;
  const scripts = {
    get: join(dir, 'get.lua'), byId: join(dir, 'by-id.lua'), proxyById: join(dir, 'proxy-by-id.lua'),
    pacedById: join(dir, 'paced-by-id.lua'), pacedProxyById: join(dir, 'paced-proxy-by-id.lua'), hotProxyById: join(dir, 'hot-proxy-by-id.lua'),
    post: join(dir, 'post.lua'),
  };
  writeFileSync(scripts.get, REPORT);
  writeFileSync(scripts.byId, byIdUnder(''));
  writeFileSync(scripts.proxyById, byIdUnder('/proxy'));
  writeFileSync(scripts.pacedById, byIdUnder('', PACE_MS));
  writeFileSync(scripts.pacedProxyById, byIdUnder('/proxy', PACE_MS));
  writeFileSync(scripts.hotProxyById, byIdUnder('/proxy', 0, HOT_IDS));
  writeFileSync(scripts.post, post);
  return scripts;
}

/** wrk's version line, or undefined when wrk is not installed. */
export function wrkVersion(): string | undefined {
  const r = spawnSync('wrk', ['--version'], { encoding: 'utf8' });
  if (r.error !== undefined) return undefined;
  return /wrk [^\s]+/.exec(r.stdout + r.stderr)?.[0] ?? 'wrk';
}

/**
 * Runs wrk once (`--latency`) and parses the `WRK_JSON` line of the script's `done` hook.
 * @throws Error with wrk's output when it fails or prints no result.
 */
export async function runWrk(job: WrkJob): Promise<WrkResult> {
  const args = ['-t', String(job.threads), '-c', String(job.connections), '-d', `${job.duration}s`,
    '--timeout', '10s', '--latency', '-s', job.script, job.url];
  const output = await new Promise<string>((resolve, reject) => {
    const p = spawn('wrk', args, { stdio: ['ignore', 'pipe', 'pipe'], ...(job.signal === undefined ? {} : { signal: job.signal }) });
    let out = '';
    p.stdout.on('data', (c: Buffer) => { out += c.toString(); });
    p.stderr.on('data', (c: Buffer) => { out += c.toString(); });
    p.once('error', reject);
    p.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`wrk ${args.join(' ')} exited with ${code}:\n${out}`))));
  });
  const line = /^WRK_JSON (.*)$/m.exec(output)?.[1];
  if (line === undefined) throw new Error(`wrk printed no result:\n${output}`);
  const r = JSON.parse(line) as { requests: number; duration_us: number; p50_us: number; p95_us: number; p99_us: number; status: number; socket: number };
  return {
    requests: r.requests,
    reqPerSec: r.requests / (r.duration_us / 1e6),
    p50Ms: r.p50_us / 1000,
    p95Ms: r.p95_us / 1000,
    p99Ms: r.p99_us / 1000,
    badStatus: r.status,
    socketErrors: r.socket,
  };
}
