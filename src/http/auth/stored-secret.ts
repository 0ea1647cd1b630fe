import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../../config.ts';
import type { Logger } from '../../log.ts';

/**
 * A server secret used when its variable is unset outside production: read from `DATA_DIR/<file>`, or
 * generated there (256 random bits, base64url, mode 0600) on first start. Logs a warning either way.
 * Sync fs: call at start only.
 * @param variable the environment variable that would set it (named in messages).
 * @param purpose what it signs, for the warning.
 * @throws ConfigError when the file holds fewer than 32 bytes.
 */
export function storedSecret(dataDir: string, file: string, variable: string, purpose: string, log: Logger): string {
  const path = join(dataDir, file);
  let secret: string;
  try {
    secret = readFileSync(path, 'utf8').trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    mkdirSync(dataDir, { recursive: true });
    secret = randomBytes(32).toString('base64url');
    writeFileSync(path, secret, { mode: 0o600, flag: 'wx' });
  }
  // An empty or cut file (a crash between create and write, a `touch`) must not become a guessable key.
  if (Buffer.byteLength(secret) < 32)
    throw new ConfigError(`Invalid configuration:\n  ${path} holds ${Buffer.byteLength(secret)} bytes, not a secret of at least 32: delete it to generate a new one (every ${purpose.replace(/s$/, '')} signed with it stops working), or set ${variable}.`);
  log.warn({ path }, `${variable} is not set: ${purpose} are signed with a generated secret kept in DATA_DIR; set ${variable} (NODE_ENV=production refuses to start without it)`);
  return secret;
}
