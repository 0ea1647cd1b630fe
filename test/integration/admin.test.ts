import assert from 'node:assert/strict';
import { execFile, spawn, spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import parse, { type Family } from 'parse-prometheus-text-format';
import { startServer, tempDataDir, type TestServer } from '../helpers/server.ts';

const run = promisify(execFile);
const ROOT = new URL('../../', import.meta.url).pathname;

const post = (url: string, body: unknown) =>
  fetch(`${url}/areas`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** Parses an exposition with the npm parser. Its histograms keep no labels, so histograms are also re-read as untyped samples. */
function scrape(text: string): { families: Map<string, Family>; samples: Map<string, Family> } {
  const families = new Map(parse(text).map((f) => [f.name, f]));
  const untyped = text.split('\n').filter((l) => !/^# TYPE \S+ histogram$/.test(l)).join('\n');
  const samples = new Map(parse(untyped).map((f) => [f.name, f]));
  return { families, samples };
}

/** promtool (Debian package `prometheus`), when installed: `.ci/run` installs it. */
const PROMTOOL = spawnSync('promtool', ['--version']).status === 0;

/** Runs `promtool check metrics` on an exposition: its exit code and everything it printed. */
function promtoolCheck(text: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('promtool', ['check', 'metrics']);
    let output = '';
    child.stdout.on('data', (c: Buffer) => { output += c.toString(); });
    child.stderr.on('data', (c: Buffer) => { output += c.toString(); });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
    child.stdin.end(text);
  });
}

function value(f: Family | undefined, labels: Record<string, string>): number {
  const m = f?.metrics.find((s) => Object.entries(labels).every(([k, v]) => s.labels?.[k] === v));
  return m === undefined ? 0 : Number(m.value);
}

describe('admin listener', () => {
  let srv: TestServer;
  before(async () => { srv = await startServer(); });
  after(async () => { await srv.dispose(); });

  it('serves metrics from every thread, and they move with traffic', async () => {
    const first = scrape(await (await fetch(`${srv.adminUrl}/metrics`)).text());
    const created: number[] = [];
    for (let i = 0; i < 20; i++) created.push(((await (await post(srv.url, { name: `m${i}`, type: 'metric' })).json()) as { id: number }).id);
    // The first read of each new area fills the cache (a miss), the second is a hit.
    for (const id of [...created, ...created]) assert.equal((await fetch(`${srv.url}/areas/${id}`)).status, 200);
    assert.equal((await fetch(`${srv.url}/areas/999999`)).status, 404);
    const res = await fetch(`${srv.adminUrl}/metrics`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain/);
    const now = scrape(await res.text());

    const reqs = now.families.get('sortie_http_requests_total');
    const before201 = value(first.families.get('sortie_http_requests_total'), { route: '/areas', method: 'POST', status: '201' });
    assert.equal(value(reqs, { route: '/areas', method: 'POST', status: '201' }) - before201, 20);
    assert.ok(value(reqs, { route: '/areas/:id', method: 'GET', status: '404' }) >= 1);

    // Histogram: buckets non-decreasing, +Inf equals _count, per label set.
    const buckets = now.samples.get('sortie_http_request_duration_seconds_bucket')?.metrics ?? [];
    const counts = now.samples.get('sortie_http_request_duration_seconds_count')?.metrics ?? [];
    assert.ok(buckets.length > 0 && counts.length > 0);
    for (const c of counts) {
      const mine = buckets.filter((b) => b.labels?.route === c.labels?.route && b.labels?.method === c.labels?.method);
      const les = mine.map((b) => [b.labels?.le === '+Inf' ? Infinity : Number(b.labels?.le), Number(b.value)] as const).sort((a, b) => a[0] - b[0]);
      assert.equal(les[0]?.[0], 0.00005, 'finest bucket is 50 µs');
      for (let i = 1; i < les.length; i++) assert.ok((les[i]?.[1] ?? 0) >= (les[i - 1]?.[1] ?? 0), 'buckets are cumulative');
      assert.equal(les.at(-1)?.[1], Number(c.value), '+Inf bucket equals _count');
    }

    // Worker-side series, merged: one per partition that ran a command.
    const cmds = now.families.get('sortie_commands_total')?.metrics ?? [];
    const ok = cmds.filter((m) => m.labels?.command === 'areas.create' && m.labels?.outcome === 'ok');
    assert.ok(ok.length >= 1 && ok.every((m) => m.labels?.partition !== undefined));
    assert.ok(ok.reduce((n, m) => n + Number(m.value), 0) >= 20);
    assert.ok(now.samples.has('sortie_command_duration_seconds_bucket'));

    assert.ok(value(now.families.get('sortie_cache_hits_total'), {}) - value(first.families.get('sortie_cache_hits_total'), {}) >= 20);
    assert.ok(value(now.families.get('sortie_lmdb_entries'), { db: 'areas' }) >= 20);
    assert.ok(value(now.families.get('sortie_lmdb_bytes'), {}) > 0);
    assert.ok(now.families.has('sortie_partition_queue_depth'));
    assert.ok(now.families.has('sortie_ws_connections'));
    assert.ok(now.families.has('nodejs_eventloop_lag_seconds'));
  });

  it('passes promtool check metrics with no warning', { skip: !PROMTOOL && 'promtool not installed (Debian package prometheus)' }, async () => {
    // After the traffic above, so request, command and cache series are all present.
    const { code, output } = await promtoolCheck(await (await fetch(`${srv.adminUrl}/metrics`)).text());
    assert.equal(output.trim(), '', 'promtool prints nothing for a clean exposition');
    assert.equal(code, 0);
  });

  it('serves stats as JSON', async () => {
    const stats = (await (await fetch(`${srv.adminUrl}/admin/stats`)).json()) as Record<string, any>;
    assert.equal(stats.partitions.length, 2);
    assert.equal(typeof stats.cache.hit_ratio, 'number');
    assert.ok(stats.store.bytes > 0 && stats.store.entries.areas >= 1);
    assert.equal(typeof stats.uptime_s, 'number');
    assert.equal(typeof stats.version, 'string');
  });

  it('keeps admin routes off the public port', async () => {
    for (const [method, path] of [['GET', '/metrics'], ['GET', '/admin/stats'], ['POST', '/admin/backup']] as const) {
      const res = await fetch(`${srv.url}${path}`, { method });
      assert.equal(res.status, 404, `${method} ${path}`);
      assert.equal(res.headers.get('content-type'), 'application/problem+json');
    }
  });
});

describe('admin token', () => {
  it('requires the bearer token when one is set', async () => {
    const token = 'a-very-secret-admin-token';
    const srv = await startServer({ ADMIN_TOKEN: token });
    try {
      for (const auth of [undefined, 'Bearer wrong-token-of-some-length', `Basic ${token}`, `Bearer ${token}x`]) {
        const res = await fetch(`${srv.adminUrl}/admin/stats`, { headers: auth === undefined ? {} : { authorization: auth } });
        assert.equal(res.status, 401, String(auth));
        assert.equal(res.headers.get('content-type'), 'application/problem+json');
      }
      assert.equal((await fetch(`${srv.adminUrl}/metrics`, { headers: { authorization: `Bearer ${token}` } })).status, 200);
    } finally {
      await srv.dispose();
    }
  });

  it('refuses to start on a non-loopback admin address without a token', async () => {
    await assert.rejects(startServer({ ADMIN_HOST: '0.0.0.0' }), /ADMIN_TOKEN/);
  });
});

describe('backup and restore', () => {
  it('a backup taken under write load holds every write acknowledged before it began', async () => {
    const srv = await startServer({}, true);
    const acked: number[] = [];
    let stop = false;
    const writer = async (w: number) => {
      for (let i = 0; !stop; i++) {
        const res = await post(srv.url, { name: `w${w}-${i}`, type: 'load' });
        assert.equal(res.status, 201);
        acked.push(((await res.json()) as { id: number }).id);
      }
    };
    const writers = Array.from({ length: 8 }, (_, w) => writer(w));
    while (acked.length < 200) await new Promise((r) => setTimeout(r, 10));
    const ackedBefore = [...acked];
    const backup = await fetch(`${srv.adminUrl}/admin/backup`, { method: 'POST' });
    assert.equal(backup.status, 201);
    const { path, bytes } = (await backup.json()) as { path: string; bytes: number };
    assert.ok(bytes > 0);
    const duringBackup = acked.length - ackedBefore.length;
    stop = true;
    await Promise.all(writers);
    await srv.dispose();

    const target = tempDataDir();
    const restored = await run(process.execPath, ['--import', 'tsx', 'src/cli/restore.ts', path], { cwd: ROOT, env: { ...process.env, DATA_DIR: target } });
    assert.match(restored.stdout, /restored/);
    await assert.rejects(run(process.execPath, ['--import', 'tsx', 'src/cli/restore.ts', path], { cwd: ROOT, env: { ...process.env, DATA_DIR: target } }),
      /--force/, 'refuses to overwrite a store without --force');

    const back = await startServer({ DATA_DIR: target });
    try {
      const missing: number[] = [];
      for (const id of ackedBefore) if ((await fetch(`${back.url}/areas/${id}`)).status !== 200) missing.push(id);
      assert.deepEqual(missing, [], `writes acknowledged before the backup (${ackedBefore.length}; ${duringBackup} more during it)`);
    } finally {
      await back.dispose();
      rmSync(srv.dataDir, { recursive: true, force: true });
    }
  });
});
