import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { calculateJwkThumbprint, CompactSign, decodeJwt, decodeProtectedHeader, SignJWT } from 'jose';
import { ConfigError, loadConfig } from '../../src/config.ts';
import type { Caller } from '../../src/core/auth/claims.ts';
import { Problem } from '../../src/core/errors.ts';
import { DEV_SECRET_FILE, loadKeyRing } from '../../src/http/auth/keys.ts';
import { TokenService } from '../../src/http/auth/tokens.ts';
import type { Logger } from '../../src/log.ts';

const dirs: string[] = [];
after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });
const tempDir = () => { const d = mkdtempSync(join(tmpdir(), 'sortie-keys-')); dirs.push(d); return d; };

/** A logger that records warnings. */
function recorder(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, warn: (_o: unknown, msg: string) => { warnings.push(msg); } } as unknown as Logger & { warnings: string[] };
}
const SECRET = 'unit-test-secret-0123456789abcdefghijkl';
const OLD = 'unit-test-old-secret-0123456789abcdefghij';
const alice: Caller = { id: '01900000-0000-7000-8000-00000000a11c', role: 'user' };

async function service(env: Record<string, string>): Promise<TokenService> {
  return new TokenService(await loadKeyRing(loadConfig({ DATA_DIR: tempDir(), ...env }), recorder()));
}
/** Verifies on a fresh service (empty cache), so jose runs. */
async function refusal(svc: TokenService, token: string): Promise<string> {
  try {
    await svc.verify(token);
  } catch (err) {
    assert.ok(err instanceof Problem && err.status === 401 && err.slug === 'invalid-token', String(err));
    return err.message;
  }
  assert.fail('token accepted');
}

test('issue: an HS256 at+jwt with kid = RFC 7638 thumbprint, claims sub, role, iat, exp (+900 s), iss, aud, jti', async () => {
  const svc = await service({ JWT_SECRET: SECRET });
  const token = await svc.issue(alice, Date.UTC(2026, 0, 1));
  const header = decodeProtectedHeader(token);
  assert.deepEqual(header, { alg: 'HS256', kid: await calculateJwkThumbprint({ kty: 'oct', k: Buffer.from(SECRET).toString('base64url') }), typ: 'at+jwt' });
  const claims = decodeJwt(token);
  assert.deepEqual(Object.keys(claims).sort(), ['aud', 'exp', 'iat', 'iss', 'jti', 'role', 'sub']);
  assert.equal(claims.sub, alice.id);
  assert.equal(claims.role, 'user');
  assert.equal(claims.iat, Date.UTC(2026, 0, 1) / 1000);
  assert.equal(claims.exp, Date.UTC(2026, 0, 1) / 1000 + 900);
  assert.equal(claims.iss, 'https://sortie.dev');
  assert.equal(claims.aud, 'sortie-api');
});

test('cached: a token issued or verified here is known until exp (+5 s of tolerance), then expired', async () => {
  const issuer = await service({ JWT_SECRET: SECRET });
  const token = await issuer.issue(alice);
  assert.deepEqual(issuer.cached(token)?.caller, alice, 'an issued token is already known to its issuer');
  const verifier = await service({ JWT_SECRET: SECRET });
  assert.equal(verifier.cached(token), undefined);
  assert.deepEqual((await verifier.verify(token)).caller, alice);
  assert.deepEqual(verifier.cached(token)?.caller, alice);
  const [h, p, s] = token.split('.') as [string, string, string];
  assert.equal(verifier.cached(`${h}.${p.slice(0, -2)}AA.${s}`), undefined, 'the same signature on another payload is not a hit');
  const exp = (decodeJwt(token).exp as number) * 1000;
  assert.deepEqual(verifier.cached(token, exp + 4000)?.caller, alice, 'within the 5 s clock tolerance');
  assert.throws(() => verifier.cached(token, exp + 6000), /expired/);
  assert.equal(verifier.cached(token), undefined, 'an expired entry is dropped');
});

test('a validly signed token living longer than an access token is cached for one access-token lifetime; exp 1e400 is refused', async () => {
  const kid = decodeProtectedHeader(await (await service({ JWT_SECRET: SECRET })).issue(alice)).kid as string;
  const now = Math.floor(Date.now() / 1000);
  const signed = (exp: string) => new CompactSign(new TextEncoder().encode(
    `{"sub":"${alice.id}","role":"user","iss":"https://sortie.dev","aud":"sortie-api","jti":"j","iat":${now},"exp":${exp}}`,
  )).setProtectedHeader({ alg: 'HS256', kid, typ: 'at+jwt' }).sign(Buffer.from(SECRET));
  const svc = await service({ JWT_SECRET: SECRET });
  const tenYears = await signed(String(now + 10 * 365 * 86400));
  await svc.verify(tenYears);
  const verifiedAt = Date.now();
  assert.deepEqual(svc.cached(tenYears, verifiedAt + 60_000)?.caller, alice, 'cached within the lifetime');
  assert.equal(svc.cached(tenYears, verifiedAt + 906_000), undefined, 'past 15 min (+5 s) it must be verified again');
  assert.match(await refusal(svc, await signed('1e400')), /not a finite time/);
  assert.equal(svc.cached(await signed('1e400')), undefined);
});

test('verify refuses forged, expired, wrong-audience, alg:none and mistyped tokens with 401 invalid-token', async () => {
  const svc = await service({ JWT_SECRET: SECRET });
  const good = await (await service({ JWT_SECRET: SECRET })).issue(alice);
  const kid = decodeProtectedHeader(good).kid as string;
  const sign = (claims: Record<string, unknown>, header: Record<string, unknown> = {}, secret = SECRET, expiresIn = 900) => {
    const iat = Math.floor(Date.now() / 1000) - (expiresIn < 0 ? 1000 : 0);
    return new SignJWT({ sub: alice.id, role: 'user', iss: 'https://sortie.dev', aud: 'sortie-api', jti: 'j', ...claims })
      .setProtectedHeader({ alg: 'HS256', kid, typ: 'at+jwt', ...header }).setIssuedAt(iat).setExpirationTime(iat + Math.abs(expiresIn)).sign(Buffer.from(secret));
  };
  assert.deepEqual((await svc.verify(await sign({}))).caller, { id: alice.id, role: 'user' }, 'control: a well-forged token passes');
  const [h, , s] = good.split('.');
  const cases: Record<string, string> = {
    tampered: `${h}.${Buffer.from(JSON.stringify({ ...decodeJwt(good), role: 'admin' })).toString('base64url')}.${s}`,
    'wrong key': await sign({}, {}, 'some-other-secret-0123456789abcdefghij'),
    expired: await sign({}, {}, SECRET, -900),
    'wrong audience': await sign({ aud: 'elsewhere' }),
    'wrong issuer': await sign({ iss: 'https://evil.example' }),
    'alg none': `${Buffer.from(JSON.stringify({ alg: 'none', kid, typ: 'at+jwt' })).toString('base64url')}.${good.split('.')[1]}.`,
    'typ JWT': await sign({}, { typ: 'JWT' }),
    'unknown kid': await sign({}, { kid: 'nope' }),
    'bad role': await sign({ role: 'root' }),
    'no jti': await sign({ jti: undefined }),
  };
  for (const [what, token] of Object.entries(cases)) {
    await assert.doesNotReject(refusal(await service({ JWT_SECRET: SECRET }), token), what);
  }
});

test('rotation: JWT_PREVIOUS_SECRET verifies the old key\'s tokens; new tokens carry the new kid', async () => {
  const old = await (await service({ JWT_SECRET: OLD })).issue(alice);
  const rotated = await service({ JWT_SECRET: SECRET, JWT_PREVIOUS_SECRET: OLD });
  assert.deepEqual((await rotated.verify(old)).caller, alice);
  const fresh = await rotated.issue(alice);
  assert.notEqual(decodeProtectedHeader(fresh).kid, decodeProtectedHeader(old).kid);
  await refusal(await service({ JWT_SECRET: SECRET }), old);
});

test('EdDSA: JWT_PRIVATE_KEY signs; a HS256 token naming the Ed25519 kid is refused (no algorithm confusion)', async () => {
  const { privateKey } = generateKeyPairSync('ed25519');
  const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  const svc = await service({ JWT_PRIVATE_KEY: pem.replace(/\n/g, '\\n'), JWT_SECRET: SECRET });
  const token = await svc.issue(alice);
  const { alg, kid } = decodeProtectedHeader(token);
  assert.equal(alg, 'EdDSA');
  const verifier = await service({ JWT_PRIVATE_KEY: pem, JWT_SECRET: SECRET });
  assert.deepEqual((await verifier.verify(token)).caller, alice);
  assert.deepEqual((await verifier.verify(await (await service({ JWT_SECRET: SECRET })).issue(alice))).caller, alice, 'JWT_SECRET still verifies');
  const confused = await new SignJWT({ role: 'admin', iss: 'https://sortie.dev', aud: 'sortie-api', jti: 'j', sub: alice.id })
    .setProtectedHeader({ alg: 'HS256', kid, typ: 'at+jwt' }).setIssuedAt().setExpirationTime('5m')
    .sign(privateKey.export({ format: 'der', type: 'pkcs8' }));
  await refusal(verifier, confused);
});

test('a private key that is not Ed25519, or not a key, is a ConfigError', async () => {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  await assert.rejects(service({ JWT_PRIVATE_KEY: rsa }), (err: Error) => err instanceof ConfigError && /Ed25519/.test(err.message));
  await assert.rejects(service({ JWT_PRIVATE_KEY: 'not a pem' }), (err: Error) => err instanceof ConfigError && /JWT_PRIVATE_KEY/.test(err.message));
});

test('no JWT_SECRET outside production: a secret is generated in DATA_DIR (0600), reused next time, with a warning', async () => {
  const dir = tempDir();
  const log = recorder();
  const first = new TokenService(await loadKeyRing(loadConfig({ DATA_DIR: dir }), log));
  const file = join(dir, DEV_SECRET_FILE);
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.ok(Buffer.byteLength(readFileSync(file, 'utf8')) >= 32);
  assert.equal(log.warnings.length, 1);
  const token = await first.issue(alice);
  const second = new TokenService(await loadKeyRing(loadConfig({ DATA_DIR: dir }), log));
  assert.deepEqual((await second.verify(token)).caller, alice);
  assert.equal(log.warnings.length, 2);
});

test('production needs JWT_SECRET (or JWT_PRIVATE_KEY) and the full scrypt cost; secrets never appear in errors', () => {
  const message = (env: Record<string, string>) => {
    try { loadConfig(env); } catch (err) { assert.ok(err instanceof ConfigError); return err.message; }
    return 'accepted';
  };
  assert.match(message({ NODE_ENV: 'production' }), /JWT_SECRET \(or JWT_PRIVATE_KEY\) is required/);
  assert.match(message({ NODE_ENV: 'production', JWT_SECRET: SECRET, SCRYPT_COST_LOG2: '16' }), /SCRYPT_COST_LOG2=16: must be at least 17/);
  assert.match(message({ NODE_ENV: 'production', JWT_SECRET: SECRET }), /QR_SECRET is required/);
  assert.equal(message({ NODE_ENV: 'production', JWT_SECRET: SECRET, QR_SECRET: OLD }), 'accepted');
  assert.equal(message({ SCRYPT_COST_LOG2: '10' }), 'accepted');
  assert.match(message({ SCRYPT_COST_LOG2: '9' }), /SCRYPT_COST_LOG2/);
  const short = message({ JWT_SECRET: 'short-secret' });
  assert.match(short, /JWT_SECRET=<hidden>/);
  assert.ok(!short.includes('short-secret'));
  assert.match(message({ RATE_LIMIT: 'maybe' }), /RATE_LIMIT/);
  assert.match(message({ RATE_LIMIT_ANON: '0' }), /RATE_LIMIT_ANON/);
  const c = loadConfig({});
  assert.deepEqual([c.RATE_LIMIT, c.RATE_LIMIT_ANON, c.RATE_LIMIT_USER, c.SCRYPT_COST_LOG2, c.NODE_ENV], ['on', 100, 1000, 17, 'development']);
});
