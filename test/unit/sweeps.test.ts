/**
 * Incremental sweeps (src/workers/sweeps.ts): each tick examines at most its limit of records in one
 * write transaction and resumes from its cursor; a pass reaches the table's end over several ticks,
 * removes every dead record (sessions with their refresh tokens) and never a live one.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { TOKEN_RULES } from '../../src/core/auth/claims.ts';
import { packBytes } from '../../src/core/codec.ts';
import { LIMITS } from '../../src/core/schemas/common.ts';
import { openStore } from '../../src/store/store.ts';
import { openFamily, revokeSession } from '../../src/workers/handlers/sessions.ts';
import { IDEMPOTENCY, SESSIONS, sweepPass, sweepTick } from '../../src/workers/sweeps.ts';

const dir = mkdtempSync(join(tmpdir(), 'sortie-sweeps-'));
const store = openStore(dir);
after(async () => {
  await store.env.close();
  rmSync(dir, { recursive: true, force: true });
});

const NOW = Date.UTC(2026, 0, 10);
const hash = (s: string) => createHash('sha256').update(s).digest('hex');
const user = (i: number) => `0190a0a0-0000-7000-8000-${String(i).padStart(12, '0')}`;

test('sessions: ticks of at most K remove the revoked and expired ones with their tokens, resume, and keep the live ones', async () => {
  // 10 accounts: i % 3 = 0 live, 1 expired (opened 8 days ago), 2 revoked (logged out).
  store.env.transactionSync(() => {
    for (let i = 0; i < 10; i++) {
      openFamily(store, user(i), hash(`t${i}`), i % 3 === 1 ? NOW - TOKEN_RULES.refreshTtlMs - 86_400_000 : NOW - 1000);
      if (i % 3 === 2) revokeSession(store, { refresh_hash: hash(`t${i}`) }, NOW);
    }
  });
  const K = 3;
  let from: [string, string] | undefined;
  let ticks = 0;
  let removed = 0;
  do {
    const tick = await sweepTick(store, SESSIONS, from, K, NOW);
    assert.ok(tick.examined <= K && tick.removed <= K, `tick ${ticks}: ${JSON.stringify(tick)}`);
    removed += tick.removed;
    from = tick.next;
    ticks++;
  } while (from !== undefined);
  assert.equal(ticks, Math.ceil(10 / K), 'resumed where each tick stopped, examining every session once');
  assert.equal(removed, 6);
  const left = [...store.sessions.getRange()].map(({ value }) => value.user_id).sort();
  assert.deepEqual(left, [0, 3, 6, 9].map(user));
  assert.deepEqual([...store.refreshTokens.getKeys()].sort(), [0, 3, 6, 9].map((i) => hash(`t${i}`)).sort(), 'dead sessions\' tokens are gone too');
  assert.equal(store.refreshByFamily.getKeysCount(), 4);
});

test('idempotency: a pass removes the records older than 24 h in ticks of at most K, keeping the younger ones', async () => {
  const outcome = packBytes({ ok: true, value: null, events: [] });
  store.env.transactionSync(() => {
    for (let i = 0; i < 25; i++)
      store.idempotency.put([`p${i % 4}`, `k${i}`], { fingerprint: 'f', created_at: NOW - LIMITS.idempotencyTtlMs + (i % 2 === 0 ? 0 : 1), outcome });
  });
  const ticks: number[] = [];
  assert.equal(await sweepPass(store, IDEMPOTENCY, 4, (n) => ticks.push(n), () => NOW), 13);
  assert.equal(ticks.length, Math.ceil(25 / 4));
  assert.ok(ticks.every((n) => n <= 4), `${ticks}`);
  assert.deepEqual([...store.idempotency.getRange()].map(({ key }) => Number(key[1].slice(1))).sort((a, b) => a - b),
    Array.from({ length: 12 }, (_, i) => 2 * i + 1), 'records exactly 24 h old are expired; one ms younger stay');
  assert.equal(await sweepPass(store, IDEMPOTENCY, 4, () => undefined, () => NOW), 0, 'a second pass finds nothing');
});

test('a removal that throws half-way is rolled back: the session keeps its tokens, and the tick rejects', async () => {
  store.env.transactionSync(() => openFamily(store, user(99), hash('half'), NOW - TOKEN_RULES.refreshTtlMs - 86_400_000));
  const tokensBefore = store.refreshTokens.getKeysCount();
  const failing = { ...SESSIONS, remove(s: typeof store, key: [string, string], value: Parameters<typeof SESSIONS.remove>[2]) {
    SESSIONS.remove(s, key, value);
    throw new Error('injected fault after the removal');
  } };
  await assert.rejects(sweepTick(store, failing, undefined, 100, NOW), /injected fault/);
  assert.equal(store.refreshTokens.getKeysCount(), tokensBefore, 'no token removed');
  assert.ok([...store.sessions.getRange()].some(({ value }) => value.user_id === user(99)), 'the session is still there');
});
