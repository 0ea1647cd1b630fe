/**
 * `npm run bench:auth`: what authentication costs on a read (issue 4). Starts the real server
 * (RATE_LIMIT=off unless set, LOG_LEVEL=warn) on a free port of 127.0.0.1 with a fresh DATA_DIR,
 * creates one area and one account, then drives with wrk, alternately, BENCH_REPEAT times each:
 *
 * - `GET /areas/{id}` anonymous (the baseline: the read cache, no gate work);
 * - `GET /areas/{id}` anonymous with an `X-Pad` header as long as the token (the transport's cost
 *   of the bigger request: parsing, copying, wrk's own work);
 * - `GET /areas/{id}` with `Authorization: Bearer` (the same handler: + the gate's cost);
 * - `GET /me` with `Authorization: Bearer` (the comparison: gate + one LMDB read + encode).
 *
 * Prints a markdown table (median run by req/s: req/s, p50/p99 ms, errors) and each row's ratio to
 * the anonymous baseline. Needs wrk (Debian: `apt-get install -y wrk`).
 *
 * Environment (optional): `BENCH_DURATION` seconds per run (default 10), `BENCH_REPEAT` runs per
 * row (default 3), `BENCH_CONNECTIONS` (default 100), `BENCH_THREADS` wrk threads (default 1);
 * `RATE_LIMIT`, `RATE_LIMIT_ANON`, `RATE_LIMIT_USER`, `PARTITIONS`… are passed to the server.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startChild, waitFor200 } from './lib/processes.ts';
import { runWrk, writeScripts, wrkVersion, type WrkResult } from './lib/wrk.ts';

const ROOT = new URL('../', import.meta.url).pathname;
const num = (name: string, d: number) => (process.env[name] === undefined ? d : Number(process.env[name]));
const DURATION = num('BENCH_DURATION', 10);
const REPEAT = num('BENCH_REPEAT', 3);
const CONNECTIONS = num('BENCH_CONNECTIONS', 100);
const THREADS = num('BENCH_THREADS', 1);

if (wrkVersion() === undefined) {
  process.stderr.write('wrk is not installed (Debian: apt-get install -y wrk)\n');
  process.exit(2);
}
const dir = mkdtempSync(join(tmpdir(), 'sortie-bench-auth-'));
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const server = startChild('sortie', ['--import', 'tsx', 'src/main.ts'], {
  PORT: String(port), HOST: '127.0.0.1', ADMIN_PORT: '0', DATA_DIR: join(dir, 'data'), LOG_LEVEL: 'warn',
  RATE_LIMIT: process.env.RATE_LIMIT ?? 'off',
}, ROOT, join(dir, 'server.log'));
const stop = async () => { await server.stop(); rmSync(dir, { recursive: true, force: true }); };
process.once('SIGINT', () => void stop().then(() => process.exit(130)));

try {
  await waitFor200(`${base}/health`, server);
  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (res.status !== 201) throw new Error(`POST ${path}: ${res.status} ${await res.text()}`);
    return res.json() as Promise<Record<string, unknown>>;
  };
  const area = await post('/areas', { name: 'Bench', type: 'city' });
  const { access_token: token } = await post('/auth/register', { email: 'bench@example.org', password: 'bench password', first_name: 'Ben', last_name: 'Ch' });
  const scripts = writeScripts(dir, join(dir, 'unused-ids'), 'auth');
  /** A script sending `header: value` on every request, with the report hook of the others. */
  const withHeader = (name: string, header: string, value: string) => {
    const path = join(dir, `${name}.lua`);
    writeFileSync(path, `wrk.headers[${JSON.stringify(header)}] = ${JSON.stringify(value)}\ndofile(${JSON.stringify(scripts.get)})\n`);
    return path;
  };
  const bearer = `Bearer ${String(token)}`;
  const authScript = withHeader('auth', 'Authorization', bearer);
  const padScript = withHeader('pad', 'X-Pad', 'x'.repeat(bearer.length));

  const rows = [
    { label: 'GET /areas/{id}, anonymous', url: `${base}/areas/${String(area.id)}`, script: scripts.get },
    { label: 'GET /areas/{id}, anonymous + same-size X-Pad', url: `${base}/areas/${String(area.id)}`, script: padScript },
    { label: 'GET /areas/{id}, Bearer token', url: `${base}/areas/${String(area.id)}`, script: authScript },
    { label: 'GET /me, Bearer token', url: `${base}/me`, script: authScript },
  ];
  const runs: WrkResult[][] = rows.map(() => []);
  for (const r of rows) await runWrk({ url: r.url, script: r.script, connections: CONNECTIONS, threads: THREADS, duration: 2 });
  for (let i = 0; i < REPEAT; i++)
    for (const [k, r] of rows.entries()) runs[k]?.push(await runWrk({ url: r.url, script: r.script, connections: CONNECTIONS, threads: THREADS, duration: DURATION }));
  const median = (rs: WrkResult[]) => [...rs].sort((a, b) => a.reqPerSec - b.reqPerSec)[Math.floor(rs.length / 2)] as WrkResult;
  const results = runs.map(median);
  const baseline = results[0] as WrkResult;
  console.log(`wrk -t${THREADS} -c${CONNECTIONS} -d${DURATION}s, median of ${REPEAT}, RATE_LIMIT=${process.env.RATE_LIMIT ?? 'off'}\n`);
  console.log('| request | req/s | p50 ms | p99 ms | errors | vs anonymous |\n|---|---|---|---|---|---|');
  for (const [k, r] of results.entries())
    console.log(`| ${rows[k]?.label} | ${Math.round(r.reqPerSec)} | ${r.p50Ms.toFixed(2)} | ${r.p99Ms.toFixed(2)} | ${r.badStatus + r.socketErrors} | ${(r.reqPerSec / baseline.reqPerSec).toFixed(2)} |`);
} finally {
  await stop();
}
