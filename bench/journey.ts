/**
 * `npm run bench:journey`: the user-journey benchmark of issue 8. Seeds a DATA_DIR with the demo
 * catalogue (`seed:demo`, DEMO_OFFERS offers), starts the real server (`node --import tsx src/main.ts`,
 * LOG_LEVEL=warn, RATE_LIMIT=off, public and admin listeners on free ports of 127.0.0.1) as its own
 * process, prepares accounts, staff memberships and the bench's own offers through the API
 * (bench/journey/prepare.ts, not timed), then runs the virtual users in a third process
 * (bench/journey/vus.ts: undici keep-alive Pool, one request at a time per virtual user) through the
 * phases `journey` (log in by refresh, search nearby, open an offer, favourite it, book it, staff check-in
 * or cancel), `hot` (everyone books one offer) and `spread` (everyone books one of BENCH_SPREAD_OFFERS
 * offers), each step timed separately (HdrHistogram).
 *
 * Prints one markdown table (answers, answers/s, p50/p95/p99/max in ms, statuses, errors, the issue's
 * aims) and, when every phase ran, writes it with the command into the "## Journey (issue 8)" section of
 * bench/RESULTS.md (other sections are kept). Bounded: each phase lasts BENCH_WARMUP + BENCH_DURATION s
 * and the load generator is killed past its time; both processes are stopped at the end, on error and on
 * SIGINT/SIGTERM.
 *
 * Passwords are hashed at the server's SCRYPT_COST_LOG2 (default 17, production grade): the accounts
 * are registered before the timed part, and the journey's log-in is a session resume with the refresh
 * token (`POST /auth/refresh`, SHA-256 and a durable rotation), as the app does once it holds one.
 *
 * Environment (all optional):
 * - `BENCH_DURATION` seconds measured per phase (default 10); `BENCH_WARMUP` seconds of the same load
 *   unrecorded before each (default 2, 0 = none);
 * - `BENCH_VUS` virtual users (default 200); `BENCH_THINK_MS` pause of a virtual user after each answer
 *   (default 0: closed loop, each virtual user always has one request in flight, so latency ≈ BENCH_VUS /
 *   throughput; a think time measures latency at a lower, fixed-ish rate); `BENCH_STAFF` staff accounts, each a member of every partner
 *   (default 2; virtual user n uses staff n mod BENCH_STAFF);
 * - `BENCH_SPREAD_OFFERS` offers of the `spread` phase (default 1000);
 * - `BENCH_PHASES` comma-separated phases to run (`journey,hot,spread`, default all); a partial run
 *   leaves RESULTS.md alone;
 * - `DEMO_OFFERS` offers of the demo catalogue (default 100000); `BENCH_DATA_DIR` a DATA_DIR to reuse
 *   (seed:demo runs on it and adds only what is missing; the bench's accounts and offers stay in it);
 *   default: a temp dir, removed at the end;
 * - `BENCH_CPU_PROF` a directory: the server runs with `node --cpu-prof` and writes its profiles there
 *   on exit (one per thread: the front and each actor);
 * - `PARTITIONS`, `ACTOR_CONCURRENCY`, `SCRYPT_COST_LOG2`, …: passed on to the server as usual.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../src/config.ts';
import { intEnv, settingsOrExit } from '../src/cli/env.ts';
import { prepareJourney } from './journey/prepare.ts';
import { PHASES, type JourneyPlan, type PhaseResult } from './journey/plan.ts';
import { phaseNotes, TABLE_HEADER, tableRows } from './journey/table.ts';
import { benchWorkspace, freePort, runSeed, startChild, waitFor200 } from './lib/processes.ts';
import { writeSection } from './lib/results.ts';

const ROOT = new URL('../', import.meta.url).pathname;
const RESULTS = join(ROOT, 'bench', 'RESULTS.md');
const SECTION = '## Journey (issue 8)';

/** Settings from the environment. @throws ConfigError on a bad value. */
function settings() {
  const phases = (process.env.BENCH_PHASES || PHASES.join(',')).split(',').map((s) => s.trim()).filter((s) => s !== '');
  const unknown = phases.filter((p) => !(PHASES as readonly string[]).includes(p));
  if (unknown.length > 0 || phases.length === 0)
    throw new ConfigError(`Invalid configuration:\n  BENCH_PHASES=${JSON.stringify(process.env.BENCH_PHASES)}: known phases are ${PHASES.join(', ')}`);
  return {
    duration: intEnv('BENCH_DURATION', 10),
    warmup: intEnv('BENCH_WARMUP', 2, 0),
    vus: intEnv('BENCH_VUS', 200),
    thinkMs: intEnv('BENCH_THINK_MS', 0, 0),
    staff: intEnv('BENCH_STAFF', 2),
    spreadOffers: intEnv('BENCH_SPREAD_OFFERS', 1000),
    phases: PHASES.filter((p) => phases.includes(p)),
    demoOffers: intEnv('DEMO_OFFERS', 100_000),
    dataDir: process.env.BENCH_DATA_DIR || undefined,
    cpuProf: process.env.BENCH_CPU_PROF || undefined,
  };
}

/** The command line that reproduces this run: the BENCH_ and server settings that were set. */
function commandLine(): string {
  const shown = ['BENCH_DURATION', 'BENCH_WARMUP', 'BENCH_VUS', 'BENCH_THINK_MS', 'BENCH_STAFF', 'BENCH_SPREAD_OFFERS', 'BENCH_PHASES', 'DEMO_OFFERS', 'PARTITIONS', 'ACTOR_CONCURRENCY', 'SCRYPT_COST_LOG2'];
  return [...shown.filter((k) => process.env[k]).map((k) => `${k}=${process.env[k]}`), 'npm run bench:journey'].join(' ');
}

/**
 * Runs the load generator on `planFile` in its own process (its progress on our stderr).
 * @returns the phases' figures. @throws Error when it fails or outlives `timeoutMs` (then it is killed).
 */
function runVus(planFile: string, outFile: string, timeoutMs: number, signal: AbortSignal): Promise<PhaseResult[]> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', 'bench/journey/vus.ts', planFile, outFile], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'], signal });
    const timer = setTimeout(() => p.kill('SIGKILL'), timeoutMs);
    p.once('error', reject);
    p.once('exit', (code, sig) => {
      clearTimeout(timer);
      if (code === 0) resolve(JSON.parse(readFileSync(outFile, 'utf8')) as PhaseResult[]);
      else reject(new Error(`the load generator exited with ${code ?? sig}`));
    });
  });
}

const opts = settingsOrExit(settings);
const { work, dataDir, children, signal, cleanup } = benchWorkspace('sortie-journey-', opts.dataDir);

try {
  process.stderr.write(`bench:journey: seeding ${opts.demoOffers} demo offers into ${dataDir}\n`);
  const seedLine = (await runSeed(ROOT, dataDir, 'src/cli/seed-demo.ts', { DEMO_OFFERS: String(opts.demoOffers) })).replace(/^seed:demo /, '');

  const [port, adminPort] = [await freePort(), await freePort()];
  const profArgs: string[] = [];
  if (opts.cpuProf !== undefined) {
    mkdirSync(opts.cpuProf, { recursive: true });
    profArgs.push('--cpu-prof', `--cpu-prof-dir=${opts.cpuProf}`);
  }
  const server = startChild('sortie', [...profArgs, '--import', 'tsx', 'src/main.ts'], {
    HOST: '127.0.0.1', PORT: String(port), ADMIN_HOST: '127.0.0.1', ADMIN_PORT: String(adminPort), DATA_DIR: dataDir, LOG_LEVEL: 'warn', RATE_LIMIT: 'off',
  }, ROOT, join(work, 'sortie.log'));
  children.push(server);
  const base = `http://127.0.0.1:${port}`;
  await waitFor200(`${base}/health`, server);

  process.stderr.write(`bench:journey: registering ${opts.vus} virtual users and ${opts.staff} staff, adding staff to every partner, creating ${1 + opts.spreadOffers} offers\n`);
  const prepared = await prepareJourney({
    base, adminBase: `http://127.0.0.1:${adminPort}`, runId: Date.now().toString(36), users: opts.vus, staff: opts.staff, spreadOffers: opts.spreadOffers,
  });
  const plan: JourneyPlan = { base, serverPid: server.proc.pid as number, phases: opts.phases, durationS: opts.duration, warmupS: opts.warmup, thinkMs: opts.thinkMs, ...prepared.plan };
  const planFile = join(work, 'plan.json');
  writeFileSync(planFile, JSON.stringify(plan));
  const phaseMs = (opts.warmup + opts.duration) * 1000;
  const results = await runVus(planFile, join(work, 'results.json'), opts.phases.length * phaseMs + 60_000, signal);

  const scrypt = process.env.SCRYPT_COST_LOG2 || '17';
  const header = `${cpus()[0]?.model ?? 'unknown CPU'} × ${availableParallelism()}, Node ${process.version}; ${opts.vus} virtual users (undici Pool, `
    + `1 connection each, ${opts.thinkMs === 0 ? 'closed loop' : `${opts.thinkMs} ms think time after each answer`}), ${opts.staff} staff accounts, ${opts.warmup} s warm-up + ${opts.duration} s per phase; `
    + `scrypt N=2^${scrypt}; set-up ${prepared.seconds.toFixed(1)} s (staff added to ${prepared.partners} partners); seed: ${seedLine}; load average after the run ${(loadavg()[0] ?? 0).toFixed(1)}`;
  const table = [TABLE_HEADER, ...tableRows(results)].join('\n');
  console.log(`bench:journey: ${header}\n\n${table}\n\n${phaseNotes(results).join('\n')}`);
  if (opts.phases.length < PHASES.length) console.log(`\npartial run (BENCH_PHASES): ${RESULTS} left as is`);
  else {
    const date = new Date().toISOString().slice(0, 16).replace('T', ' ');
    writeSection(RESULTS, SECTION, [
      `${date} UTC. Machine: 2 cores shared by the server (front + actor threads), the load generator and other work; ${header}.`,
      '',
      `Command: \`${commandLine()}\``,
      '',
      'Latencies are measured by the load generator (send to last byte of the answer, HdrHistogram, 3 significant digits) over '
        + 'requests sent in the measured window. "answers/s" counts every answer; "statuses" lists them by code; 409 and 422 are the '
        + 'contract\'s refusals (quota, per-user limit, state; offer not active now) and are not errors; "errors" counts other 4xx/5xx '
        + 'and requests without an answer. The bookings/s aim counts 201s only (each durable).',
      '',
      table,
      '',
      ...phaseNotes(results),
    ].join('\n'));
    console.log(`\nwritten to ${RESULTS} ("${SECTION}")`);
  }
  await cleanup(false);
} catch (err) {
  await cleanup(true);
  process.stderr.write(`bench:journey failed: ${err instanceof Error ? err.stack : String(err)}\nlogs kept in ${work}\n`);
  process.exit(1);
}
