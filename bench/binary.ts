/**
 * `npm run bench:binary`: figures of the single executable (issue 9). Rebuilds dist/sortie (build
 * time, size), then, for the default configuration and for SCRYPT_COST_LOG2=10, BENCH_REPEAT times
 * in turn (default 5): the time from spawn to the first 200 on `/health` of the executable with a
 * cold cache (a fresh XDG_CACHE_HOME: extraction included), with a warm one (extracted by an
 * earlier start), and of `npm start` (tsx, from source) for comparison; each with a fresh DATA_DIR. Then msgpackr's decode rate with and without its native
 * string extractor (bench/lib/unpack-rate.ts), which the executable ships. Prints medians and
 * writes the section "## Single executable" of bench/RESULTS.md.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { BINARY, buildBinary } from '../scripts/binary/build.ts';
import { freePort, startChild, type Child } from './lib/processes.ts';
import { writeSection } from './lib/results.ts';
import type { Row } from './micro/harness.ts';

const ROOT = resolve(import.meta.dirname, '..');
const REPEAT = Number(process.env.BENCH_REPEAT ?? 5);
const temp = (prefix: string) => mkdtempSync(join(tmpdir(), `sortie-bench-${prefix}-`));

/** Polls `/health` every 2 ms; resolves with ms from `startedAt` to the first 200. @throws Error when the child exits first or 30 s pass. */
async function firstOk(port: number, child: Child, startedAt: number): Promise<number> {
  while (performance.now() - startedAt < 30_000) {
    if (child.proc.exitCode !== null) throw new Error(`${child.name} exited ${child.proc.exitCode}; see ${child.logFile}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/health`);
      await res.arrayBuffer();
      if (res.status === 200) return performance.now() - startedAt;
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 2));
  }
  throw new Error(`${child.name}: no 200 within 30 s; see ${child.logFile}`);
}

/** One start's figures, ms: wall time from spawn to the first 200, and CPU time (all threads) used by then. */
interface Start { wall: number; cpu: number }

/** CPU time (user + system, every thread) that process `pid` has used, ms (Linux /proc; 10 ms ticks). */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) * (1000 / 100);
}

/** One start: spawn, time the first 200, stop with SIGTERM. */
async function timeStart(name: string, command: string, args: string[], env: Record<string, string>): Promise<Start> {
  const port = await freePort();
  const dataDir = temp('data');
  const startedAt = performance.now();
  const child = startChild(name, args, { ...env, PORT: String(port), HOST: '127.0.0.1', ADMIN_PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'warn' }, ROOT, join(dataDir, '..', `${name}.log`), command);
  try {
    const wall = await firstOk(port, child, startedAt);
    return { wall, cpu: cpuMs(child.proc.pid as number) };
  } finally {
    await child.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const ms = (starts: Start[]) => {
  const wall = starts.map((s) => s.wall);
  return `${Math.round(median(wall))} ms (${Math.round(Math.min(...wall))}–${Math.round(Math.max(...wall))}); CPU ${Math.round(median(starts.map((s) => s.cpu)))} ms`;
};

rmSync(BINARY, { force: true });
const build = await buildBinary();
process.stdout.write(`built ${build.path}: ${build.bytes} bytes, build ${build.hash}, ${(build.ms / 1000).toFixed(1)} s\n`);

/**
 * Start-up per configuration: the defaults, whose start waits for the dummy password hash at
 * SCRYPT_COST_LOG2=17 (src/http/auth/passwords.ts: ~0.3 s of scrypt on an idle core), and
 * SCRYPT_COST_LOG2=10, which leaves what the executable and the rest of the start cost.
 */
const CONFIGS: Record<string, Record<string, string>> = { defaults: {}, 'SCRYPT_COST_LOG2=10': { SCRYPT_COST_LOG2: '10' } };
const warmCache = temp('cache');
await timeStart('warm-up', BINARY, [], { XDG_CACHE_HOME: warmCache, SCRYPT_COST_LOG2: '10' });
const startLines: string[] = [];
for (const [config, env] of Object.entries(CONFIGS)) {
  const times = { warm: [] as Start[], cold: [] as Start[], npmStart: [] as Start[] };
  for (let i = 0; i < REPEAT; i++) {
    const coldCache = temp('cache');
    times.cold.push(await timeStart('cold', BINARY, [], { ...env, XDG_CACHE_HOME: coldCache }));
    rmSync(coldCache, { recursive: true, force: true });
    times.warm.push(await timeStart('warm', BINARY, [], { ...env, XDG_CACHE_HOME: warmCache }));
    times.npmStart.push(await timeStart('npm-start', process.execPath, ['--import', 'tsx', 'src/main.ts'], env));
    process.stdout.write(`${config}, round ${i + 1}: cold ${ms(times.cold.slice(-1))}, warm ${ms(times.warm.slice(-1))}, npm start ${ms(times.npmStart.slice(-1))}\n`);
  }
  startLines.push(`| ${config} | ${ms(times.warm)} | ${ms(times.cold)} | ${ms(times.npmStart)} |`);
}
rmSync(warmCache, { recursive: true, force: true });

/** Decode rows with the native extractor on or off, measured in a child process each. */
async function unpackRows(disabled: boolean): Promise<{ native: boolean; rows: Row[] }> {
  const env = { ...process.env, ...(disabled ? { MSGPACKR_NATIVE_ACCELERATION_DISABLED: 'true' } : {}) };
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'bench/lib/unpack-rate.ts'], { cwd: ROOT, env });
  return JSON.parse(stdout) as { native: boolean; rows: Row[] };
}
const native = await unpackRows(false);
const pureJs = await unpackRows(true);
if (!native.native || pureJs.native) throw new Error('msgpackr native acceleration was not switched as asked');
const decodeLines = native.rows.map((n, i) => {
  const js = pureJs.rows[i] as Row;
  return `| ${n.task} | ${n.meanUs.toFixed(2)} | ${js.meanUs.toFixed(2)} | ${(js.meanUs / n.meanUs).toFixed(2)}× |`;
});

const body = [
  `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, Node ${process.version}, 2 cores (noisy), load average ${loadavg()[0]?.toFixed(1)} at the end.`,
  '',
  'Command: `npm run bench:binary` (bench/binary.ts)',
  '',
  `- \`npm run build:binary\` from scratch: ${(build.ms / 1000).toFixed(1)} s; \`dist/sortie\`: ${(build.bytes / 1024 ** 2).toFixed(1)} MiB (${build.bytes.toLocaleString('en-US')} bytes), build ${build.hash}.`,
  `- Spawn → first 200 on \`/health\` (fresh DATA_DIR each time, PARTITIONS = CPU count): median wall time of ${REPEAT} (min–max), and the median CPU time all its threads used by then (less sensitive to other work on the machine); cold = a fresh cache, the assets extracted first:`,
  '',
  '| configuration | executable, warm cache | executable, cold cache | `npm start` (tsx) |',
  '|---|--:|--:|--:|',
  ...startLines,
  '',
  '- msgpackr decode (src/core/codec.ts) with the native string extractor the executable ships, and without it (pure JS):',
  '',
  '| task | native µs | pure JS µs | pure JS cost |',
  '|---|--:|--:|--:|',
  ...decodeLines,
].join('\n');
process.stdout.write(`\n${body}\n`);
writeSection(join(ROOT, 'bench/RESULTS.md'), '## Single executable', body);
