import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const ROOT = new URL('../../', import.meta.url).pathname;

/** A real sortie process on an ephemeral port with its own DATA_DIR. */
export interface TestServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  port: number;
  /** `http://127.0.0.1:<admin port>` */
  adminUrl: string;
  dataDir: string;
  proc: ChildProcess;
  /** Log lines (parsed pino JSON) seen so far. */
  logs: Record<string, unknown>[];
  /** Sends `signal` and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  /** Stops (if running) and removes the data directory unless `keepData`. */
  dispose(): Promise<void>;
}

/**
 * Settings every test server gets unless the test overrides them: no request rate limits (tests
 * send hundreds of requests from one IP; test/integration/ratelimit.test.ts turns them on), and
 * cheap password hashes (scrypt N=2^10 instead of 2^17; only allowed outside production).
 */
const TEST_DEFAULTS: Readonly<Record<string, string>> = { RATE_LIMIT: 'off', SCRYPT_COST_LOG2: '10' };

/** Makes a fresh temporary data directory. */
export function tempDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'sortie-test-'));
}

/**
 * Starts `src/main.ts` under tsx with PORT=0 and waits for its "sortie ready" log line (or only
 * "sortie listening" with `until: 'listening'`, to see the warm-up).
 * @param env extra environment (e.g. PARTITIONS); DATA_DIR defaults to a fresh temp dir.
 * @param keepData leave DATA_DIR on dispose (restart tests reuse it).
 * @throws Error when the process exits or is silent for 30 s before that line.
 */
export async function startServer(env: Record<string, string> = {}, keepData = false, until: StartedLine = 'ready'): Promise<TestServer> {
  const dataDir = env.DATA_DIR ?? tempDataDir();
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', ADMIN_PORT: '0', LOG_LEVEL: 'info', PARTITIONS: '2', ...TEST_DEFAULTS, ...env, DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return attachServer(proc, dataDir, keepData, until);
}

/** How far a start goes before a test gets the server: bound (`listening`, still warming up) or serving (`ready`). */
export type StartedLine = 'listening' | 'ready';

/**
 * Waits for the "sortie ready" (or "sortie listening") log line of a sortie process spawned with
 * stdout and stderr piped (the source under tsx, or the single executable), and wraps it as a TestServer.
 * @throws Error when the process exits or is silent for 30 s before that line.
 */
export async function attachServer(proc: ChildProcess, dataDir: string, keepData = false, until: StartedLine = 'ready'): Promise<TestServer> {
  const logs: Record<string, unknown>[] = [];
  let stderr = '';
  proc.stderr?.on('data', (c: Buffer) => { stderr += c.toString(); });
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const [port, adminPort] = await new Promise<[number, number]>((resolve, reject) => {
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`server did not start in 30 s (it must log "sortie ${until}" at level info)\n${stderr}`));
    }, 30_000);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before "sortie ${until}"\n${stderr}`));
    });
    let ports: [number, number] | undefined;
    createInterface({ input: proc.stdout! }).on('line', (line) => {
      let entry: Record<string, unknown>;
      try { entry = JSON.parse(line) as Record<string, unknown>; } catch { return; }
      logs.push(entry);
      if (String(entry.msg).startsWith('sortie listening')) ports = [entry.port as number, entry.admin_port as number];
      if (ports !== undefined && String(entry.msg).startsWith(`sortie ${until}`)) { clearTimeout(timer); resolve(ports); }
    });
  });
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
    return exited;
  };
  return {
    url: `http://127.0.0.1:${port}`, port, adminUrl: `http://127.0.0.1:${adminPort}`, dataDir, proc, logs, stop,
    async dispose() {
      await stop();
      if (!keepData) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
