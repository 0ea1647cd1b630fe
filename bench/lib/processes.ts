import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';

/** A server the benchmark started; its stdout and stderr go to `logFile`. */
export interface Child {
  name: string;
  proc: ChildProcess;
  logFile: string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it has exited. */
  stop(graceMs?: number): Promise<void>;
}

/** A TCP port free on 127.0.0.1 right now (bound to 0, then released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Starts `node <args>` (or `command <args>`) in `cwd` with `env` added to this process's environment.
 * @param logFile where its stdout and stderr are written.
 */
export function startChild(name: string, args: string[], env: Record<string, string>, cwd: string, logFile: string, command = process.execPath): Child {
  const proc = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const log = createWriteStream(logFile);
  proc.stdout?.pipe(log);
  proc.stderr?.pipe(log);
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  return {
    name, proc, logFile,
    async stop(graceMs = 15_000) {
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill('SIGTERM');
        const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}

/**
 * Polls `url` until it answers 200.
 * @throws Error when `child` exits first or `timeoutMs` passes.
 */
export async function waitFor200(url: string, child: Child, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.proc.exitCode !== null || child.proc.signalCode !== null)
      throw new Error(`${child.name} exited (${child.proc.exitCode ?? child.proc.signalCode}) before serving; see ${child.logFile}`);
    try {
      const res = await fetch(url);
      await res.arrayBuffer();
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${child.name} did not answer 200 on ${url} within ${timeoutMs} ms; see ${child.logFile}`);
}

/**
 * Runs the seed CLI `script` (relative to `root`: `src/cli/seed-cities.ts`, `src/cli/seed-demo.ts`) on
 * `dataDir` with `env` added, its progress on our stderr.
 * @returns its summary line (stdout). @throws Error with that output when it exits with another code than 0.
 */
export function runSeed(root: string, dataDir: string, script = 'src/cli/seed-cities.ts', env: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', script], {
      cwd: root, env: { ...process.env, ...env, DATA_DIR: dataDir }, stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    p.stdout.on('data', (c: Buffer) => { out += c.toString(); });
    p.once('error', reject);
    p.once('exit', (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(`${script} exited with ${code}:\n${out}`))));
  });
}

/** The temp directory and child processes of one benchmark run. */
export interface BenchWorkspace {
  /** Temp directory for logs and files of the run. */
  work: string;
  /** The DATA_DIR in use: the one given, or `<work>/data`. */
  dataDir: string;
  /** Processes to stop at the end: push each one started. */
  children: Child[];
  /** Aborted by `cleanup`: pass it to what should stop with the run. */
  signal: AbortSignal;
  /**
   * Stops every child (once) and removes the temp dir, or with `keepLogs` keeps it but for a temp
   * DATA_DIR. Also run on SIGINT/SIGTERM, after which the process exits with 130.
   */
  cleanup(keepLogs: boolean): Promise<void>;
}

/** A temp directory `<tmp>/<prefix>…` for a benchmark run, using `dataDir` when given (kept at the end). */
export function benchWorkspace(prefix: string, dataDir: string | undefined): BenchWorkspace {
  const work = mkdtempSync(join(tmpdir(), prefix));
  const data = dataDir ?? join(work, 'data');
  const children: Child[] = [];
  const abort = new AbortController();
  let stopping: Promise<void> | undefined;
  const cleanup = (keepLogs: boolean) => (stopping ??= (async () => {
    abort.abort();
    await Promise.all(children.map((c) => c.stop()));
    if (!keepLogs) rmSync(work, { recursive: true, force: true });
    else if (dataDir === undefined) rmSync(data, { recursive: true, force: true });
  })());
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => void cleanup(false).then(() => process.exit(130)));
  return { work, dataDir: data, children, signal: abort.signal, cleanup };
}
