import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const ROOT = new URL('../../', import.meta.url).pathname;

/**
 * Runs a TypeScript CLI of the repository (`node --import tsx <script>`, from the repository root)
 * with `env` added to this process's environment; stdout and stderr are pipes, not TTYs.
 * @returns its stdout. @throws Error when it exits non-zero or runs longer than `timeoutMs`.
 */
export async function runCli(script: string, env: Record<string, string>, timeoutMs = 90_000): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', script], {
    cwd: ROOT, env: { ...process.env, ...env }, timeout: timeoutMs,
  });
  return stdout;
}

/**
 * Runs a TypeScript CLI as `runCli` does, but resolves with its exit code and output whatever the
 * code (for tools whose exit code is the answer, e.g. check:store).
 */
export async function runCliStatus(script: string, env: Record<string, string>, timeoutMs = 90_000): Promise<{ code: number; stdout: string; stderr: string }> {
  return promisify(execFile)(process.execPath, ['--import', 'tsx', script], { cwd: ROOT, env: { ...process.env, ...env }, timeout: timeoutMs }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (err: { code: number; stdout: string; stderr: string }) => ({ code: err.code, stdout: err.stdout, stderr: err.stderr }),
  );
}
