/**
 * Sweeps on a running server: dead refresh sessions and expired idempotency records written into the
 * store before start are removed in ticks of SWEEP_BATCH and counted in
 * `sortie_swept_records_total{kind}`; live sessions and fresh idempotency records keep working.
 */
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { after, test } from 'node:test';
import parse from 'parse-prometheus-text-format';
import { TOKEN_RULES } from '../../src/core/auth/claims.ts';
import { packBytes } from '../../src/core/codec.ts';
import { LIMITS } from '../../src/core/schemas/common.ts';
import { openStore } from '../../src/store/store.ts';
import { openFamily, revokeSession } from '../../src/workers/handlers/sessions.ts';
import { register, type TokenPairJson } from '../helpers/auth.ts';
import { expectJson, sendJson } from '../helpers/http.ts';
import { startServer, tempDataDir, type TestServer } from '../helpers/server.ts';

const DEAD_SESSIONS = 7;
const EXPIRED_RECORDS = 11;

const dataDir = tempDataDir();
let server: TestServer | undefined;
after(async () => {
  if (server === undefined) return;
  assert.equal(await server.stop(), 0);
  assert.deepEqual(server.logs.filter((l) => (l.level as number) >= 50), [], 'no error was logged');
  await server.dispose();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Writes dead sessions (expired or revoked, with their tokens) and expired idempotency records, as a long-running server would have left them. */
async function leaveGarbage(): Promise<void> {
  const store = openStore(dataDir);
  const now = Date.now();
  const outcome = packBytes({ ok: true, value: null, events: [] });
  await store.env.transaction(() => {
    for (let i = 0; i < DEAD_SESSIONS; i++) {
      const hash = createHash('sha256').update(`dead-${i}`).digest('hex');
      openFamily(store, randomUUID(), hash, i % 2 === 0 ? now - TOKEN_RULES.refreshTtlMs - 60_000 : now);
      if (i % 2 === 1) revokeSession(store, { refresh_hash: hash }, now);
    }
    for (let i = 0; i < EXPIRED_RECORDS; i++)
      store.idempotency.put([`anon:192.0.2.${i}`, `key-${i}`], { fingerprint: 'f', created_at: now - LIMITS.idempotencyTtlMs - 1, outcome });
  });
  await store.env.close();
}

/** `sortie_swept_records_total` by kind, summed over partitions. */
async function swept(s: TestServer): Promise<Record<string, number>> {
  const families = parse(await (await fetch(`${s.adminUrl}/metrics`)).text());
  const out: Record<string, number> = {};
  for (const m of families.find((f) => f.name === 'sortie_swept_records_total')?.metrics ?? []) {
    const kind = m.labels?.kind as string;
    out[kind] = (out[kind] ?? 0) + Number(m.value);
  }
  return out;
}

/** Polls `swept` until all the garbage left by `leaveGarbage` is counted, or 15 s: the last counts. */
async function sweptAll(s: TestServer): Promise<Record<string, number>> {
  const deadline = Date.now() + 15_000;
  let counts = await swept(s);
  while ((counts.sessions !== DEAD_SESSIONS || counts.idempotency !== EXPIRED_RECORDS) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    counts = await swept(s);
  }
  return counts;
}

test('dead sessions and expired idempotency records are swept in small ticks and counted; live ones keep working', async () => {
  await leaveGarbage();
  server = await startServer({ DATA_DIR: dataDir, IDEMPOTENCY_SWEEP_MS: '100', SWEEP_BATCH: '2' }, true);
  const s = server;
  const live = await register(s.url);
  const area = { name: 'kept', type: `sweep-${randomUUID()}` };
  const created = await sendJson(`${s.url}/areas`, 'POST', area, { 'idempotency-key': 'sweep-key' });
  assert.equal(created.status, 201);
  await created.text();

  const counts = await sweptAll(s);
  assert.deepEqual(counts, { sessions: DEAD_SESSIONS, idempotency: EXPIRED_RECORDS });

  await new Promise((r) => setTimeout(r, 300)); // a few more passes: nothing else is dead
  assert.deepEqual(await swept(s), counts);
  await expectJson<TokenPairJson>(await sendJson(`${s.url}/auth/refresh`, 'POST', { refresh_token: live.refresh_token }), 200);
  const replay = await sendJson(`${s.url}/areas`, 'POST', area, { 'idempotency-key': 'sweep-key' });
  assert.equal(replay.headers.get('idempotent-replayed'), 'true', 'the fresh idempotency record still answers');
  await replay.text();
});

test('the first pass runs a few seconds after start, not a whole period later: a server restarted often still sweeps', async () => {
  assert.ok(server !== undefined);
  assert.equal(await server.stop(), 0);
  await leaveGarbage();
  server = await startServer({ DATA_DIR: dataDir, IDEMPOTENCY_SWEEP_MS: String(3_600_000) }, true);
  const s = server;
  assert.deepEqual(await sweptAll(s), { sessions: DEAD_SESSIONS, idempotency: EXPIRED_RECORDS }, 'swept within 15 s of start, with an hour between passes');
});
