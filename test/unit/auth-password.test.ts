import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OWASP_SCRYPT, hashAlgorithm, hashPassword, verifyPassword } from '../../src/core/auth/password.ts';
import { Passwords } from '../../src/http/auth/passwords.ts';

const CHEAP = { log2N: 10, r: 8, p: 1 };

test('a hash is a PHC string with its parameters and a fresh salt; it verifies the password and no other', async () => {
  const a = await hashPassword('correct horse', CHEAP);
  const b = await hashPassword('correct horse', CHEAP);
  assert.match(a, /^\$scrypt\$ln=10,r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
  assert.notEqual(a, b, 'random salt');
  assert.equal(await verifyPassword('correct horse', a), true);
  assert.equal(await verifyPassword('correct horse', b), true);
  assert.equal(await verifyPassword('correct horsE', a), false);
  assert.equal(await verifyPassword('', a), false);
  assert.equal(hashAlgorithm(a), 'scrypt ln=10,r=8,p=1');
});

test('verification uses the parameters stored in the hash, so the cost can be raised later', async () => {
  const old = await hashPassword('pw-1234567', { log2N: 11, r: 4, p: 2 });
  assert.match(old, /^\$scrypt\$ln=11,r=4,p=2\$/);
  assert.equal(await verifyPassword('pw-1234567', old), true);
});

test('the OWASP cost (N=2^17, r=8, p=1) is the default and runs within maxmem', async () => {
  assert.deepEqual(OWASP_SCRYPT, { log2N: 17, r: 8, p: 1 });
  const h = await hashPassword('owasp cost', OWASP_SCRYPT);
  assert.equal(await verifyPassword('owasp cost', h), true);
});

test('passwords are NFKC-normalised: a compatibility form matches its canonical one', async () => {
  const h = await hashPassword('ﬁne password', CHEAP); // U+FB01 LATIN SMALL LIGATURE FI
  assert.equal(await verifyPassword('fine password', h), true);
});

test('a stored value that is not a sortie scrypt hash is an error, not a false', async () => {
  await assert.rejects(verifyPassword('x', 'plain-text'), /not a sortie scrypt password hash/);
  await assert.rejects(verifyPassword('x', '$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA'), /not a sortie scrypt/);
});

test('Passwords.check: an unknown account (no stored hash) is false after hashing a dummy of the same cost', async () => {
  const params = { log2N: 12, r: 8, p: 1 };
  const passwords = new Passwords(params);
  await passwords.ready();
  const stored = await passwords.hash('the real one');
  assert.equal(await passwords.check('the real one', stored), true);
  assert.equal(await passwords.check('a wrong one', stored), false);
  assert.equal(await passwords.check('the real one', undefined), false);
  // Timing: the unknown-email path does the same scrypt work. One-sided, so a loaded machine cannot fail it:
  // skipping the dummy hash would make it ~1000x faster than the wrong-password path.
  const median = async (stored: string | undefined) => {
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      await passwords.check('a wrong one', stored);
      times.push(performance.now() - t0);
    }
    return times.sort((a, b) => a - b)[2] as number;
  };
  const wrong = await median(stored);
  const unknown = await median(undefined);
  assert.ok(unknown > wrong / 4, `unknown email ${unknown.toFixed(2)} ms vs wrong password ${wrong.toFixed(2)} ms`);
});
