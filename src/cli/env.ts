import { ConfigError } from '../config.ts';

/**
 * An integer ≥ `min` from environment variable `name`, or `fallback` when it is unset or empty
 * (for the settings of CLI tools and benchmarks, next to the server's own config).
 * @throws ConfigError naming the variable when it holds anything else.
 */
export function intEnv(name: string, fallback: number, min = 1): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < min)
    throw new ConfigError(`Invalid configuration:\n  ${name}=${JSON.stringify(raw)}: must be an integer ≥ ${min}`);
  return n;
}

/**
 * Runs `read` (settings from the environment) and returns its value; on a ConfigError prints its
 * message to stderr and exits with code 2, as the server does. Other errors propagate.
 */
export function settingsOrExit<T>(read: () => T): T {
  try {
    return read();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exit(2);
  }
}
