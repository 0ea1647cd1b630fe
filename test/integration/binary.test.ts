/**
 * The single executable (issue 9), black box: builds dist/sortie (kept when its build hash is
 * current), copies it alone into an empty folder and runs it there with only the variables given
 * here (no PATH, no HOME, no NODE_*), its cache in a fresh XDG_CACHE_HOME. Smoke suite: health, an
 * area over HTTP and over WebSocket, register/login, /metrics, SIGTERM → 0, restart on the same data;
 * the tools; refusal of a read-only or noexec cache directory.
 */
import assert from 'node:assert/strict';
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import pkg from '../../package.json' with { type: 'json' };
import { buildBinary, BINARY, type BuildResult } from '../../scripts/binary/build.ts';
import { ConfigSchema } from '../../src/config.ts';
import { LAYOUT_VERSION } from '../../src/store/migrations/index.ts';
import { bearer, newAccount, register } from '../helpers/auth.ts';
import { expectJson, sendJson, type AreaJson } from '../helpers/http.ts';
import { attachServer, type TestServer } from '../helpers/server.ts';
import { stampLayout, storeV1Copy } from '../helpers/store-fixture.ts';
import { WsClient } from '../helpers/ws-client.ts';

const run = promisify(execFile);
const temp = (prefix: string) => mkdtempSync(join(tmpdir(), `sortie-binary-${prefix}-`));
const isRoot = process.getuid?.() === 0;
/** Whether this process may mount a tmpfs in a private mount namespace (root with CAP_SYS_ADMIN, as on CI). */
const canMount = isRoot && spawnSync('unshare', ['--mount', '--propagation', 'private', 'true']).status === 0;

let build: BuildResult;
let home: string;
let cache: string;
let exe: string;
const started: TestServer[] = [];

/** The whole environment of every run: an ephemeral port, test-speed settings, the cache. */
const envOf = (extra: Record<string, string> = {}): Record<string, string> => ({
  PORT: '0', HOST: '127.0.0.1', ADMIN_PORT: '0', PARTITIONS: '2', RATE_LIMIT: 'off', SCRYPT_COST_LOG2: '10', XDG_CACHE_HOME: cache, ...extra,
});

/** Runs the executable to completion in `home`. */
function runTool(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return run(exe, args, { cwd: home, env, timeout: 60_000 }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (err: { code: number; stdout: string; stderr: string }) => ({ code: err.code, stdout: err.stdout, stderr: err.stderr }),
  );
}

/** Starts the server from the executable in `home` (data in ./data, the default). */
async function startBinary(): Promise<TestServer> {
  const proc: ChildProcess = spawn(exe, [], { cwd: home, env: envOf(), stdio: ['ignore', 'pipe', 'pipe'] });
  const server = await attachServer(proc, join(home, 'data'), true);
  started.push(server);
  return server;
}

before(async () => {
  build = await buildBinary();
  home = temp('home');
  cache = temp('cache');
  exe = join(home, 'sortie');
  copyFileSync(BINARY, exe);
  chmodSync(exe, 0o755);
}, { timeout: 180_000 });

after(async () => {
  for (const s of started) await s.stop();
  for (const dir of [home, cache]) if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

describe('sortie single executable', { timeout: 120_000 }, () => {
  it('--version needs no environment and names the version and the build hash', async () => {
    const r = await runTool(['--version'], {});
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^sortie ${pkg.version.replace(/\./g, '\\.')} \\(build ${build.hash}, node v20\\.`));
  });

  it('--help lists every variable of the configuration (src/config.ts and README), with its default', async () => {
    const r = await runTool(['--help'], envOf());
    assert.equal(r.code, 0, r.stderr);
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const documented = [...readme.matchAll(/^\| `([A-Z0-9_]+)` \| [^|]+ \|/gm)].map((m) => m[1] as string);
    for (const name of new Set([...Object.keys(ConfigSchema.properties), ...documented])) assert.match(r.stdout, new RegExp(`^  ${name} \\(default: [^)]+\\)$`, 'm'), name);
    for (const command of ['seed:cities', 'seed:demo', 'restore <backup> [--force]', 'check:store', '--version']) assert.ok(r.stdout.includes(command), command);
  });

  it('an unknown command prints the usage and exits 2', async () => {
    const r = await runTool(['serve-me'], envOf());
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown command "serve-me"[\s\S]*Usage: sortie/);
  });

  it('serves HTTP, WebSocket, accounts and metrics; SIGTERM exits 0; a restart finds the data', async () => {
    const stale = join(cache, 'sortie', '0123456789abcdef');
    mkdirSync(stale, { recursive: true });
    const first = await startBinary();
    assert.deepEqual(readdirSync(join(cache, 'sortie')), [build.hash], 'extracted once under the build hash; another build removed');
    assert.deepEqual(await expectJson(await fetch(`${first.url}/health`), 200), { status: 'ok' });

    const area = await expectJson<AreaJson>(await sendJson(`${first.url}/areas`, 'POST', { name: 'Binary town', type: 'city', country: 'FR' }), 201);
    assert.deepEqual(await expectJson(await fetch(`${first.url}/areas/${area.id}`), 200), area);

    const ws = await WsClient.connect(first.url);
    const reply = await ws.request({ id: 1, op: 'command', name: 'areas.create', args: { name: 'via ws', type: 'city' } });
    ws.close();
    assert.equal(reply.ok, true, JSON.stringify(reply));
    const wsArea = (reply as { result: AreaJson }).result;
    assert.deepEqual(await expectJson(await fetch(`${first.url}/areas/${wsArea.id}`), 200), wsArea);

    const account = await register(first.url, newAccount());
    const login = await expectJson<{ access_token: string }>(await sendJson(`${first.url}/auth/login`, 'POST', { email: account.credentials.email, password: account.credentials.password }), 200);
    assert.equal((await expectJson<{ email: string }>(await fetch(`${first.url}/me`, { headers: bearer(login.access_token) }), 200)).email, account.credentials.email);

    const metrics = await fetch(`${first.adminUrl}/metrics`);
    assert.equal(metrics.status, 200);
    assert.match(await metrics.text(), /^sortie_http_requests_total\{.*route="\/areas".*\} \d+/m);

    assert.equal(await first.stop('SIGTERM'), 0);
    assert.ok(first.logs.some((l) => l.msg === 'sortie stopped'), 'graceful shutdown logged');
    assert.ok(existsSync(join(home, 'data', 'sortie.mdb')), 'data in ./data by default');

    const second = await startBinary();
    assert.deepEqual(await expectJson(await fetch(`${second.url}/areas/${area.id}`), 200), area);
    assert.deepEqual(await expectJson(await fetch(`${second.url}/areas/${wsArea.id}`), 200), wsArea);
    const backup = await expectJson<{ path: string }>(await fetch(`${second.adminUrl}/admin/backup`, { method: 'POST' }), 201);
    assert.equal(await second.stop('SIGTERM'), 0);

    const usage = await runTool(['restore'], envOf());
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /usage: sortie restore <backup/);
    const restored = await runTool(['restore', backup.path, '--force'], envOf());
    assert.equal(restored.code, 0, restored.stderr);
    assert.match(restored.stdout, /restored .*"areas":2/);
    const checked = await runTool(['check:store'], envOf());
    assert.equal(checked.code, 0, checked.stdout + checked.stderr);
    assert.match(checked.stdout, /\(layout 2\) is consistent: 19 indexes/);
  });

  it('refuses a store of a newer layout: exit 2, both versions named', async () => {
    const newer = storeV1Copy(temp('newer'));
    await stampLayout(newer, LAYOUT_VERSION + 1);
    const r = await runTool([], envOf({ DATA_DIR: newer }));
    rmSync(newer, { recursive: true, force: true });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, new RegExp(`^sortie: The store has layout version ${LAYOUT_VERSION + 1}, written by a newer sortie; this build reads layout version ${LAYOUT_VERSION} at most`, 'm'));
  });

  it('seed:cities loads cities from the data set inside the executable', async () => {
    const r = await runTool(['seed:cities'], envOf({ SEED_LIMIT: '300', DATA_DIR: join(home, 'seeded') }));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /seed:cities created 300, skipped 0, rejected 0 .*; 300 cities in store/);
  });

  it('seed:demo loads a demo catalogue with the texts inside the executable', async () => {
    const r = await runTool(['seed:demo'], envOf({ DEMO_OFFERS: '60', DATA_DIR: join(home, 'demo') }));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /seed:demo created .* 60 offers/);
  });
});

/**
 * Runs the executable with XDG_CACHE_HOME on a fresh tmpfs mounted with `options` in a private
 * mount namespace (needs `canMount`); returns its exit code and stderr.
 */
async function runOnMount(options: string): Promise<{ code: number; stderr: string }> {
  const mountPoint = temp('mnt');
  try {
    const script = 'mount -t tmpfs -o "$0" tmpfs "$1" && exec "$2"';
    return await run('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', script, options, mountPoint, exe],
      { cwd: home, env: { ...envOf({ XDG_CACHE_HOME: mountPoint }), PATH: process.env.PATH ?? '/usr/bin:/bin' }, timeout: 30_000 }).then(
      () => ({ code: 0, stderr: '' }),
      (err: { code: number; stderr: string }) => ({ code: err.code, stderr: err.stderr }),
    );
  } finally {
    rmSync(mountPoint, { recursive: true, force: true });
  }
}

describe('sortie single executable refuses an unusable cache directory', { timeout: 60_000 }, () => {
  it('read-only: exits 2 naming the directory and XDG_CACHE_HOME', { skip: isRoot && !canMount && 'root writes anywhere and cannot mount a read-only tmpfs here' }, async () => {
    let r: { code: number; stderr: string };
    if (isRoot) {
      r = await runOnMount('ro');
    } else {
      const readOnly = temp('ro');
      chmodSync(readOnly, 0o555);
      r = await runTool([], envOf({ XDG_CACHE_HOME: readOnly }));
      rmSync(readOnly, { recursive: true, force: true });
    }
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /^sortie: cannot write its cache directory \/\S+\/sortie \((EROFS|EACCES)\).*Set XDG_CACHE_HOME/m);
  });

  it('noexec: exits 2 saying so', { skip: !canMount && 'mounting a noexec tmpfs needs root with CAP_SYS_ADMIN' }, async () => {
    const r = await runOnMount('noexec');
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /^sortie: cannot execute the native addons in its cache directory \/\S+ \(EACCES\): is it on a filesystem mounted noexec\?/m);
  });
});
