/**
 * Rehash at login (README, "Accounts, tokens and rate limits"): which stored hashes are outdated, and the
 * `users.rehash_password` handler, which replaces a hash only while it is still the one the login verified.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { hashPassword, needsRehash, OWASP_SCRYPT } from '../../src/core/auth/password.ts';
import type { UserRecord } from '../../src/core/schemas/users.ts';
import { openStore } from '../../src/store/store.ts';
import { rehashPassword } from '../../src/workers/handlers/users.ts';

const at = (log2N: number) => ({ ...OWASP_SCRYPT, log2N });

test('a hash is outdated when made at a lower cost (or other r, p); never when made at a higher one', async () => {
  const h11 = await hashPassword('password', at(11));
  assert.equal(needsRehash(h11, at(11)), false);
  assert.equal(needsRehash(h11, at(12)), true);
  assert.equal(needsRehash(h11, at(10)), false, 'lowering SCRYPT_COST_LOG2 keeps the stronger hash');
  assert.equal(needsRehash(h11, { ...at(11), r: 16 }), true);
  assert.throws(() => needsRehash('$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA', at(11)), /not a sortie scrypt/);
});

test('users.rehash_password replaces the hash only while it is still the one verified', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sortie-rehash-'));
  const store = openStore(dir);
  try {
    const id = '0190a0a0-0000-7000-8000-000000000001';
    const user: UserRecord = { id, email: 'a@x.org', first_name: 'An', last_name: 'Lee', phone: null, role: 'user', identity_status: 'unverified',
      created_at: '2026-01-01T00:00:00.000Z', updated_at: '2026-01-01T00:00:00.000Z', password_hash: 'old' };
    await store.users.put(id, user);
    const run = (old_hash: string, new_hash: string, who = id) => store.env.transactionSync(() => rehashPassword(store, { id: who, old_hash, new_hash }));
    assert.deepEqual(run('old', 'new').value, { rehashed: true });
    assert.deepEqual(store.users.get(id), { ...user, password_hash: 'new' }, 'only the hash changes (updated_at kept)');
    assert.deepEqual(run('old', 'stale').value, { rehashed: false }, 'the password changed since the login verified it: that change wins');
    assert.equal(store.users.get(id)?.password_hash, 'new');
    assert.deepEqual(run('new', 'x', '0190a0a0-0000-7000-8000-000000000002').value, { rehashed: false }, 'an erased account stays erased');
    assert.equal(store.users.get('0190a0a0-0000-7000-8000-000000000002'), undefined);
  } finally {
    await store.env.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
