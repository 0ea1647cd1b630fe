import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { describe, it } from 'node:test';
import { tempDataDir } from '../helpers/server.ts';
import { urlOf } from '../../src/app.ts';
import { defaultLogFormat } from '../../src/log.ts';

const ROOT = new URL('../../', import.meta.url).pathname;

/** Runs `npm start`'s entry until its start line, then SIGTERM: everything it wrote on stdout. */
async function startLines(env: Record<string, string>): Promise<string> {
  const dataDir = tempDataDir();
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', ADMIN_PORT: '0', PARTITIONS: '1', SCRYPT_COST_LOG2: '10', LOG_LEVEL: 'info', ...env, DATA_DIR: dataDir },
  });
  let out = '';
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no start line in 30 s:\n${out}`)), 30_000);
      proc.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        if (out.includes('sortie listening')) { clearTimeout(timer); resolve(); }
      });
      proc.once('exit', (code) => reject(new Error(`exited with ${code}:\n${out}`)));
    });
  } finally {
    proc.kill('SIGTERM');
    await new Promise((r) => proc.once('close', r));
    rmSync(dataDir, { recursive: true, force: true });
  }
  return out;
}

describe('log format', () => {
  it('is pretty on a terminal and JSON otherwise, unless LOG_FORMAT says', () => {
    assert.equal(defaultLogFormat(undefined, true), 'pretty');
    assert.equal(defaultLogFormat(undefined, false), 'json');
    assert.equal(defaultLogFormat('json', true), 'json');
    assert.equal(defaultLogFormat('pretty', false), 'pretty');
  });

  it('shows a wildcard listen address as localhost, and brackets IPv6', () => {
    assert.equal(urlOf('0.0.0.0', 8080), 'http://localhost:8080');
    assert.equal(urlOf('::', 8080), 'http://localhost:8080');
    assert.equal(urlOf('::1', 9464), 'http://[::1]:9464');
    assert.equal(urlOf('127.0.0.1', 9464), 'http://127.0.0.1:9464');
  });

  it('LOG_FORMAT=pretty writes readable lines; the start line gives both URLs and the data directory', async () => {
    const out = await startLines({ LOG_FORMAT: 'pretty' });
    const line = out.split('\n').find((l) => l.includes('sortie listening')) ?? '';
    assert.doesNotMatch(line, /^\s*\{/, 'not a JSON object');
    assert.match(line, /INFO/);
    assert.match(line, /sortie listening on http:\/\/127\.0\.0\.1:\d+ \(admin http:\/\/127\.0\.0\.1:\d+, data \/\S+\)/);
  });

  it('without a terminal, lines are JSON with the URLs as fields too', async () => {
    const out = await startLines({});
    const entry = out.split('\n').filter((l) => l.includes('sortie listening')).map((l) => JSON.parse(l) as Record<string, unknown>)[0];
    assert.ok(entry !== undefined);
    assert.match(String(entry.url), /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.match(String(entry.admin_url), /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(typeof entry.dataDir, 'string');
  });
});
