/**
 * Accounts, tokens and roles (../shared/API.md, "Auth and users" and the Conventions on
 * authentication), over HTTP and the WebSocket, against real server processes.
 */
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, randomUUID } from 'node:crypto';
import { existsSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { decodeJwt, decodeProtectedHeader, importSPKI, jwtVerify, SignJWT, UnsecuredJWT } from 'jose';
import { bearer, newAccount, querySocket, register, upgradeStatus, type TokenPairJson, type UserJson } from '../helpers/auth.ts';
import { ISO_MS, assertProblemShape, expectJson, expectProblem, sendJson } from '../helpers/http.ts';
import { openStore } from '../../src/store/store.ts';
import { startServer, tempDataDir, type TestServer } from '../helpers/server.ts';
import type { ReplyFrame } from '../helpers/ws-client.ts';

const SECRET = 'integration-test-secret-0123456789abcdef';
const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const USER_FIELDS = ['created_at', 'email', 'first_name', 'id', 'identity_status', 'last_name', 'phone', 'role'];

let server: TestServer;
before(async () => {
  server = await startServer({ JWT_SECRET: SECRET });
});
after(async () => {
  assert.equal(await server.stop(), 0);
  assert.deepEqual(server.logs.filter((l) => (l.level as number) >= 50), [], 'no error was logged');
  await server.dispose();
});

const post = (path: string, body: unknown, headers: Record<string, string> = {}) => sendJson(`${server.url}${path}`, 'POST', body, headers);
const me = (token: string) => fetch(`${server.url}/me`, { headers: bearer(token) });
const login = (email: string, password: string) => post('/auth/login', { email, password });
const refresh = (refresh_token: string) => post('/auth/refresh', { refresh_token });

/** Checks the shape of a token pair answer and its access token's claims; returns the claims. */
function checkPair(pair: TokenPairJson): Record<string, unknown> {
  assert.equal(pair.token_type, 'Bearer');
  assert.equal(pair.expires_in, 900);
  assert.match(pair.refresh_token, /^[A-Za-z0-9_-]{43,}$/, 'refresh token: at least 256 random bits, base64url');
  assert.deepEqual(Object.keys(pair.user).sort(), USER_FIELDS);
  const header = decodeProtectedHeader(pair.access_token);
  assert.equal(header.alg, 'HS256');
  assert.equal(header.typ, 'at+jwt');
  assert.equal(typeof header.kid, 'string');
  const claims = decodeJwt(pair.access_token);
  assert.equal(claims.sub, pair.user.id);
  assert.equal(claims.role, pair.user.role);
  assert.equal(claims.iss, 'https://sortie.dev');
  assert.equal(claims.aud, 'sortie-api');
  assert.equal((claims.exp as number) - (claims.iat as number), 900);
  assert.ok(Math.abs((claims.iat as number) - Date.now() / 1000) < 60, 'iat is now');
  assert.equal(typeof claims.jti, 'string');
  return claims;
}

describe('POST /auth/register', () => {
  test('201 with a token pair and the new user; the email is trimmed and lower-cased; not cacheable', async () => {
    const res = await post('/auth/register', newAccount({ email: '  Mixed.Case@Example.ORG ', phone: '+33612345678', first_name: 'Zoé' }));
    assert.equal(res.headers.get('cache-control'), 'no-store');
    const pair = await expectJson<TokenPairJson>(res, 201);
    checkPair(pair);
    const u = pair.user;
    assert.match(u.id, UUID_V7);
    assert.equal(u.email, 'mixed.case@example.org');
    assert.deepEqual([u.first_name, u.last_name, u.phone, u.role, u.identity_status], ['Zoé', 'Lee', '+33612345678', 'user', 'unverified']);
    assert.match(u.created_at, ISO_MS);
    assert.deepEqual(await expectJson<UserJson>(await me(pair.access_token), 200), { ...u, memberships: [] });
  });

  test('without a phone, phone is null', async () => {
    const { user } = await register(server.url);
    assert.equal(user.phone, null);
  });

  test('an invalid body is a 400 naming each bad field', async () => {
    const cases: [unknown, string][] = [
      [newAccount({ email: 'not-an-email' }), '/email'],
      [newAccount({ password: '1234567' }), '/password'],
      [newAccount({ password: 'x'.repeat(73) }), '/password'],
      [newAccount({ first_name: 'A' }), '/first_name'],
      [newAccount({ last_name: 'L'.repeat(51) }), '/last_name'],
      [newAccount({ first_name: '  ' }), '/first_name'],
      [newAccount({ phone: '0612345678' }), '/phone'],
      [{ ...newAccount(), role: 'admin' }, '/role'],
      [{ password: 'correct horse', first_name: 'Ann', last_name: 'Lee' }, '/email'],
    ];
    for (const [body, path] of cases) await expectProblem(await post('/auth/register', body), 400, [path]);
    await expectProblem(await sendJson(`${server.url}/auth/register`, 'POST', newAccount(), { 'content-type': 'text/plain' }), 415);
  });

  test('the 8- and 72-character passwords are accepted', async () => {
    await register(server.url, newAccount({ password: '12345678' }));
    await register(server.url, newAccount({ password: 'y'.repeat(72) }));
  });

  test('an email already registered, in any case, is a 409', async () => {
    const { credentials } = await register(server.url);
    const p = await expectProblem(await post('/auth/register', newAccount({ email: credentials.email.toUpperCase() })), 409);
    assert.equal(p.type, 'https://sortie.dev/problems/email-taken');
  });

  test('50 simultaneous registrations of one email: exactly one 201 and 49 409s; only the winner\'s password logs in', async () => {
    const email = `race-${randomUUID()}@example.org`;
    const replies = await Promise.all(Array.from({ length: 50 }, (_, i) => post('/auth/register', newAccount({ email, password: `password-${i}` }))));
    const statuses = replies.map((r) => r.status);
    assert.equal(statuses.filter((s) => s === 201).length, 1, `statuses: ${statuses.join(',')}`);
    assert.equal(statuses.filter((s) => s === 409).length, 49);
    const winner = statuses.indexOf(201);
    await Promise.all(replies.map((r) => r.text()));
    await expectJson(await login(email, `password-${winner}`), 200);
    await expectProblem(await login(email, `password-${(winner + 1) % 50}`), 401);
  });
});

describe('POST /auth/login', () => {
  test('200 with a new pair for the same user; the email matches in any case', async () => {
    const reg = await register(server.url);
    const res = await login(`  ${reg.credentials.email.toUpperCase()}`, reg.credentials.password);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    const pair = await expectJson<TokenPairJson>(res, 200);
    checkPair(pair);
    assert.deepEqual(pair.user, reg.user);
    assert.notEqual(pair.refresh_token, reg.refresh_token);
    assert.notEqual(pair.access_token, reg.access_token);
    await expectJson(await me(pair.access_token), 200);
  });

  test('an unknown email and a wrong password get the same 401', async () => {
    const { credentials } = await register(server.url);
    const wrong = await login(credentials.email, 'not the password');
    const unknown = await login(`nobody-${randomUUID()}@example.org`, 'not the password');
    const a = await expectProblem(wrong, 401);
    const b = await expectProblem(unknown, 401);
    assert.deepEqual(a, b);
    assert.equal(a.type, 'https://sortie.dev/problems/invalid-credentials');
  });

  test('an invalid body is a 400', async () => {
    await expectProblem(await post('/auth/login', { email: 'a@example.org' }), 400, ['/password']);
    await expectProblem(await post('/auth/login', { email: 'nope', password: 'whatever1' }), 400, ['/email']);
  });
});

/** Signs claims with `secret` as the server would, with header `kid` and `typ` unless overridden. */
function forge(claims: Record<string, unknown>, opts: { secret?: string; kid?: string; typ?: string; expiresIn?: number; iat?: number } = {}): Promise<string> {
  const iat = opts.iat ?? Math.floor(Date.now() / 1000);
  return new SignJWT({ role: 'user', iss: 'https://sortie.dev', aud: 'sortie-api', jti: randomUUID(), ...claims })
    .setProtectedHeader({ alg: 'HS256', kid: opts.kid, typ: opts.typ ?? 'at+jwt' })
    .setIssuedAt(iat)
    .setExpirationTime(iat + (opts.expiresIn ?? 900))
    .sign(Buffer.from(opts.secret ?? SECRET));
}

describe('access tokens', () => {
  let pair: TokenPairJson;
  let kid: string;
  before(async () => {
    pair = await register(server.url);
    kid = decodeProtectedHeader(pair.access_token).kid as string;
  });

  test('GET /me without Authorization is a 401 with a Bearer challenge; so is another scheme', async () => {
    const anon = await fetch(`${server.url}/me`);
    assert.equal(anon.headers.get('www-authenticate'), 'Bearer');
    await expectProblem(anon, 401);
    await expectProblem(await fetch(`${server.url}/me`, { headers: { authorization: 'Basic YTpi' } }), 401);
  });

  test('a token forged with the server\'s secret and kid is accepted (the control for the refusals below)', async () => {
    const token = await forge({ sub: pair.user.id }, { kid });
    assert.equal((await expectJson<UserJson>(await me(token), 200)).id, pair.user.id);
    // Expired 2 s ago: inside the 5 s clock tolerance.
    const skewed = await forge({ sub: pair.user.id }, { kid, iat: Math.floor(Date.now() / 1000) - 902 });
    await expectJson(await me(skewed), 200);
  });

  test('tampered, expired, wrong-audience, wrong-issuer, alg:none, wrong-key, unknown-kid and wrong-type tokens are 401 everywhere', async () => {
    const [h, p, s] = pair.access_token.split('.') as [string, string, string];
    const payload = { ...decodeJwt(pair.access_token), role: 'admin' };
    const now = Math.floor(Date.now() / 1000);
    const bad: Record<string, string> = {
      tampered: `${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${s}`,
      expired: await forge({ sub: pair.user.id }, { kid, iat: now - 1000, expiresIn: 900 }),
      'wrong audience': await forge({ sub: pair.user.id, aud: 'another-api' }, { kid }),
      'wrong issuer': await forge({ sub: pair.user.id, iss: 'https://evil.example' }, { kid }),
      'alg none': new UnsecuredJWT({ sub: pair.user.id, role: 'admin', iss: 'https://sortie.dev', aud: 'sortie-api', jti: 'x' })
        .setIssuedAt().setExpirationTime('10m').encode(),
      'wrong key': await forge({ sub: pair.user.id }, { kid, secret: 'another-secret-of-at-least-32-bytes!!' }),
      'unknown kid': await forge({ sub: pair.user.id }, { kid: 'not-a-key' }),
      'no kid': await forge({ sub: pair.user.id }),
      'wrong type': await forge({ sub: pair.user.id }, { kid, typ: 'JWT' }),
      'no role': await forge({ sub: pair.user.id, role: undefined }, { kid }),
      'unknown role': await forge({ sub: pair.user.id, role: 'root' }, { kid }),
      'unknown account': await forge({ sub: '01900000-0000-7000-8000-000000000000' }, { kid }),
      garbage: 'abc.def.ghi',
      'cut signature': `${h}.${p}.`,
    };
    for (const [what, token] of Object.entries(bad)) {
      for (const path of ['/me', '/areas/1', '/health']) {
        const res = await fetch(`${server.url}${path}`, { headers: bearer(token) });
        const problem = await expectProblem(res, 401).catch((err: Error) => assert.fail(`${what} on ${path}: ${err.message}`));
        assert.equal(problem.type, 'https://sortie.dev/problems/invalid-token', what);
        assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer error="invalid_token"/, what);
      }
    }
  });

  test('a body route checks its content type first, then the token (whose verification may still be running)', async () => {
    const forged = await forge({ sub: pair.user.id }, { kid, secret: 'another-secret-of-at-least-32-bytes!!' });
    const patch = (contentType: string) => sendJson(`${server.url}/me`, 'PATCH', { first_name: 'Nope' }, { ...bearer(forged), 'content-type': contentType });
    await expectProblem(await patch('text/plain'), 415);
    await expectProblem(await patch('application/json'), 401);
    await new Promise((r) => setTimeout(r, 100));
    await expectJson(await me(pair.access_token), 200);
  });

  test('without RATE_LIMIT the replies carry no RateLimit headers', async () => {
    const res = await fetch(`${server.url}/areas/1`);
    await res.text();
    assert.equal(res.headers.get('ratelimit-limit'), null);
  });
});

describe('POST /auth/refresh and /auth/logout', () => {
  test('refresh answers a new pair and rotates the refresh token', async () => {
    const reg = await register(server.url);
    const next = await expectJson<TokenPairJson>(await refresh(reg.refresh_token), 200);
    checkPair(next);
    assert.deepEqual(next.user, reg.user);
    assert.notEqual(next.refresh_token, reg.refresh_token);
    await expectJson(await me(next.access_token), 200);
    const third = await expectJson<TokenPairJson>(await refresh(next.refresh_token), 200);
    assert.notEqual(third.refresh_token, next.refresh_token);
  });

  test('presenting a used refresh token is a 401 and revokes its whole family, not the account\'s other sessions', async () => {
    const reg = await register(server.url);
    const other = await expectJson<TokenPairJson>(await login(reg.credentials.email, reg.credentials.password), 200);
    const second = await expectJson<TokenPairJson>(await refresh(reg.refresh_token), 200);
    const reused = await expectProblem(await refresh(reg.refresh_token), 401);
    assert.equal(reused.type, 'https://sortie.dev/problems/refresh-token-reused');
    const revoked = await expectProblem(await refresh(second.refresh_token), 401);
    assert.equal(revoked.type, 'https://sortie.dev/problems/invalid-refresh-token');
    await expectJson(await refresh(other.refresh_token), 200);
  });

  test('an unknown refresh token is a 401; a malformed body a 400', async () => {
    await expectProblem(await refresh('bm90LWEtcmVhbC10b2tlbi1ub3QtYS1yZWFsLXRva2Vu'), 401);
    await expectProblem(await post('/auth/refresh', {}), 400, ['/refresh_token']);
    await expectProblem(await post('/auth/refresh', { refresh_token: '' }), 400, ['/refresh_token']);
  });

  test('logout is a 204 and revokes the session; again, or with an unknown token, still 204', async () => {
    const reg = await register(server.url);
    const res = await post('/auth/logout', { refresh_token: reg.refresh_token });
    assert.equal(res.status, 204);
    await expectProblem(await refresh(reg.refresh_token), 401);
    assert.equal((await post('/auth/logout', { refresh_token: reg.refresh_token })).status, 204);
    assert.equal((await post('/auth/logout', { refresh_token: 'unknown-token' })).status, 204);
    await expectProblem(await post('/auth/logout', { token: 'x' }), 400, ['/refresh_token']);
  });
});

describe('/me', () => {
  test('PATCH /me updates the profile (merge patch: phone null removes it); GET /me shows it', async () => {
    const reg = await register(server.url, newAccount({ phone: '+33612345678' }));
    const patch = (body: unknown) => sendJson(`${server.url}/me`, 'PATCH', body, bearer(reg.access_token));
    const a = await expectJson<UserJson>(await patch({ first_name: 'Anna', last_name: 'Lee-Smith' }), 200);
    assert.deepEqual(a, { ...reg.user, first_name: 'Anna', last_name: 'Lee-Smith', memberships: [] });
    const b = await expectJson<UserJson>(await patch({ phone: null }), 200);
    assert.equal(b.phone, null);
    assert.deepEqual(await expectJson<UserJson>(await me(reg.access_token), 200), b);
    assert.deepEqual(b.memberships, [], 'PATCH /me answers like GET /me');
    await expectProblem(await patch({ email: 'new@example.org' }), 400, ['/email']);
    await expectProblem(await patch({ role: 'admin' }), 400, ['/role']);
    await expectProblem(await patch({ first_name: 'A' }), 400, ['/first_name']);
    await expectProblem(await sendJson(`${server.url}/me`, 'PATCH', { first_name: 'Anon' }), 401);
  });

  test('Idempotency-Key is scoped to the caller: another user with the same key is not a 409', async () => {
    const a = await register(server.url);
    const b = await register(server.url);
    const key = { 'idempotency-key': `k-${randomUUID()}` };
    const first = await expectJson<UserJson>(await sendJson(`${server.url}/me`, 'PATCH', { first_name: 'Alpha' }, { ...bearer(a.access_token), ...key }), 200);
    const retry = await sendJson(`${server.url}/me`, 'PATCH', { first_name: 'Alpha' }, { ...bearer(a.access_token), ...key });
    assert.deepEqual(await expectJson<UserJson>(retry, 200), first);
    await expectProblem(await sendJson(`${server.url}/me`, 'PATCH', { first_name: 'Other' }, { ...bearer(a.access_token), ...key }), 409);
    const other = await expectJson<UserJson>(await sendJson(`${server.url}/me`, 'PATCH', { first_name: 'Beta' }, { ...bearer(b.access_token), ...key }), 200);
    assert.equal(other.first_name, 'Beta');
  });

  test('GET /me/export holds everything stored about the caller and nothing about anyone else', async () => {
    const a = await register(server.url, newAccount({ phone: '+4915112345678', first_name: 'Exporta' }));
    const aLogin = await expectJson<TokenPairJson>(await login(a.credentials.email, a.credentials.password), 200);
    const aNext = await expectJson<TokenPairJson>(await refresh(a.refresh_token), 200);
    const key = `export-${randomUUID()}`;
    await expectJson(await sendJson(`${server.url}/me`, 'PATCH', { last_name: 'Exported' }, { ...bearer(a.access_token), 'idempotency-key': key }), 200);
    const b = await register(server.url, newAccount({ first_name: 'Otherbody', phone: '+4915199999999' }));
    await sendJson(`${server.url}/me`, 'PATCH', { last_name: 'Unrelated' }, { ...bearer(b.access_token), 'idempotency-key': `b-${randomUUID()}` });

    const res = await fetch(`${server.url}/me/export`, { headers: bearer(a.access_token) });
    const text = await res.text();
    assert.equal(res.status, 200, text);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    const x = JSON.parse(text) as {
      exported_at: string; user: UserJson & { updated_at: string }; password: { algorithm: string };
      sessions: { id: string; created_at: string; revoked_at: string | null; refresh_tokens: { issued_at: string; used_at: string | null }[] }[];
      idempotency_keys: { key: string; created_at: string }[]; memberships: unknown[]; favorites: unknown[]; bookings: unknown[];
    };
    const { memberships, ...current } = await expectJson<UserJson & { memberships: unknown[] }>(await me(a.access_token), 200);
    const { updated_at, ...profile } = x.user;
    assert.deepEqual(profile, current);
    assert.deepEqual(x.memberships, memberships);
    assert.deepEqual(x.favorites, []);
    assert.deepEqual(x.bookings, []);
    assert.equal(current.last_name, 'Exported');
    assert.match(updated_at, ISO_MS);
    assert.match(x.exported_at, ISO_MS);
    assert.equal(x.password.algorithm, 'scrypt ln=10,r=8,p=1');
    assert.equal(x.sessions.length, 2, 'register and login each opened a session');
    const tokenCounts = x.sessions.map((s) => s.refresh_tokens.length).sort();
    assert.deepEqual(tokenCounts, [1, 2], 'the refreshed session holds its used token and its successor');
    assert.equal(x.sessions.flatMap((s) => s.refresh_tokens).filter((t) => t.used_at !== null).length, 1);
    assert.deepEqual(x.idempotency_keys.map((k) => k.key), [key]);
    // Secrets are described, never disclosed.
    for (const secret of [a.refresh_token, aLogin.refresh_token, aNext.refresh_token]) {
      assert.ok(!text.includes(secret), 'no refresh token');
      assert.ok(!text.includes(createHash('sha256').update(secret).digest('hex')), 'no refresh token hash');
    }
    assert.ok(!text.includes('$scrypt$'), 'no password hash');
    // Nothing about the other account.
    for (const foreign of [b.user.id, b.user.email, 'Otherbody', 'Unrelated', '+4915199999999']) assert.ok(!text.includes(foreign), `mentions ${foreign}`);
    await expectProblem(await fetch(`${server.url}/me/export`), 401);
  });

  test('DELETE /me erases the account: its tokens are refused, and its email can register again', async () => {
    const reg = await register(server.url);
    const res = await fetch(`${server.url}/me`, { method: 'DELETE', headers: bearer(reg.access_token) });
    assert.equal(res.status, 204);
    const gone = await expectProblem(await me(reg.access_token), 401);
    assert.equal(gone.type, 'https://sortie.dev/problems/invalid-token');
    await expectProblem(await fetch(`${server.url}/me/export`, { headers: bearer(reg.access_token) }), 401);
    await expectProblem(await fetch(`${server.url}/me`, { method: 'DELETE', headers: bearer(reg.access_token) }), 401);
    await expectProblem(await refresh(reg.refresh_token), 401);
    await expectProblem(await login(reg.credentials.email, reg.credentials.password), 401);
    const again = await register(server.url, { ...reg.credentials, first_name: 'Reborn' });
    assert.notEqual(again.user.id, reg.user.id);
    assert.equal(again.user.first_name, 'Reborn');
    await expectJson(await login(reg.credentials.email, reg.credentials.password), 200);
    await expectProblem(await me(reg.access_token), 401);
  });
});

describe('roles', () => {
  const setRole = (id: string, role: string) => sendJson(`${server.adminUrl}/admin/users/${id}/role`, 'PUT', { role });

  test('registering never grants admin; the admin listener grants and withdraws it, effective on the next request', async () => {
    const boss = await register(server.url, newAccount({ email: 'boss@example.org' }));
    assert.equal(boss.user.role, 'user');
    const other = await register(server.url);
    // As a plain user, the WebSocket command on another account is refused.
    const ws = await querySocket(server.url, `access_token=${boss.access_token}`);
    const update = { op: 'command', name: 'users.update', args: { id: other.user.id, patch: { first_name: 'Admined' } } };
    assert.equal((await ws.request({ id: 1, ...update })).ok, false);
    const granted = await expectJson<UserJson>(await setRole(boss.user.id, 'admin'), 200);
    assert.equal(granted.role, 'admin');
    // The same (unexpired) token now acts as an admin: the stored role wins over the token's claim.
    assert.equal((await expectJson<UserJson>(await me(boss.access_token), 200)).role, 'admin');
    assert.equal((await ws.request({ id: 2, ...update })).ok, true);
    assert.equal((await expectJson<UserJson>(await setRole(boss.user.id, 'user'), 200)).role, 'user');
    assert.equal((await ws.request({ id: 3, ...update })).ok, false);
    ws.close();
  });

  test('PUT /admin/users/{id}/role refuses a bad role, a bad id and an unknown account', async () => {
    const u = await register(server.url);
    await expectProblem(await setRole(u.user.id, 'partner'), 400);
    await expectProblem(await setRole('not-a-uuid', 'admin'), 400);
    await expectProblem(await setRole('01900000-0000-7000-8000-000000000000', 'admin'), 404);
    await expectProblem(await sendJson(`${server.url}/admin/users/${u.user.id}/role`, 'PUT', { role: 'admin' }), 404);
  });
});

describe('WebSocket', () => {
  const ok = (r: ReplyFrame): unknown => {
    assert.equal(r.ok, true, JSON.stringify(r));
    return (r as { result: unknown }).result;
  };
  const failed = (r: ReplyFrame, status: number): string => {
    assert.equal(r.ok, false, JSON.stringify(r));
    const p = (r as { error: Parameters<typeof assertProblemShape>[0] }).error;
    assertProblemShape(p, status);
    return p.type;
  };

  test('?access_token= authenticates the socket: its commands act as the user', async () => {
    const reg = await register(server.url);
    const ws = await querySocket(server.url, `access_token=${reg.access_token}`);
    const patched = ok(await ws.request({ id: 1, op: 'command', name: 'users.update', args: { id: reg.user.id, patch: { last_name: 'Socket' } } })) as UserJson;
    assert.equal(patched.last_name, 'Socket');
    assert.equal((await expectJson<UserJson>(await me(reg.access_token), 200)).last_name, 'Socket');
    ws.close();
  });

  test('an invalid ?access_token= refuses the upgrade with a 401 problem', async () => {
    const up = await upgradeStatus(server.url, 'access_token=not.a.token');
    assert.equal(up.status, 401);
    assert.equal(up.contentType, 'application/problem+json');
    assert.equal(JSON.parse(up.body).type, 'https://sortie.dev/problems/invalid-token');
    assert.equal((await upgradeStatus(server.url, '')).status, 101);
  });

  test('an auth frame authenticates an anonymous socket; a bad one is a 401 reply', async () => {
    const reg = await register(server.url);
    const ws = await querySocket(server.url, '');
    const update = { op: 'command', name: 'users.update', args: { id: reg.user.id, patch: { first_name: 'Framed' } } };
    assert.equal(failed(await ws.request({ id: 1, ...update }), 401), 'https://sortie.dev/problems/unauthorized');
    assert.equal(failed(await ws.request({ id: 2, op: 'auth', token: 'nope' }), 401), 'https://sortie.dev/problems/invalid-token');
    assert.deepEqual(ok(await ws.request({ id: 3, op: 'auth', token: reg.access_token })), { user_id: reg.user.id, role: 'user' });
    assert.equal((ok(await ws.request({ id: 4, ...update })) as UserJson).first_name, 'Framed');
    ws.close();
  });

  test('an auth frame takes effect in frame order: a command sent in the same tick acts as the user', async () => {
    const reg = await register(server.url);
    const update = (id: number, first_name: string) => ({ id, op: 'command', name: 'users.update', args: { id: reg.user.id, patch: { first_name } } });
    // A token the server issued is known at once; a forged one (same secret and kid) is verified asynchronously.
    const unseen = await forge({ sub: reg.user.id }, { kid: decodeProtectedHeader(reg.access_token).kid as string });
    for (const [token, name] of [[reg.access_token, 'Known'], [unseen, 'Unseen']] as const) {
      const ws = await querySocket(server.url, '');
      // Sent in one tick, without waiting for any reply.
      const [authed, updated, refused, again] = [
        ws.request({ id: 1, op: 'auth', token }), ws.request(update(2, name)),
        ws.request({ id: 3, op: 'auth', token: 'not.a.token' }), ws.request(update(4, `${name}Again`)),
      ];
      assert.deepEqual(ok(await authed), { user_id: reg.user.id, role: 'user' });
      assert.equal((ok(await updated) as UserJson).first_name, name);
      failed(await refused, 401);
      assert.equal((ok(await again) as UserJson).first_name, `${name}Again`, 'a refused auth frame leaves the identity as it was');
      ws.close();
    }
  });

  test('an auth frame without an id (API.md form) is answered with id null', async () => {
    const reg = await register(server.url);
    const ws = await querySocket(server.url, '');
    const reply = await ws.request({ op: 'auth', token: reg.access_token });
    assert.equal(reply.id, null);
    assert.deepEqual(ok(reply), { user_id: reg.user.id, role: 'user' });
    ws.close();
  });

  test('commands on another account are 403 for a user and allowed for an admin; server-only commands are 403', async () => {
    const victim = await register(server.url);
    const user = await register(server.url);
    const admin = await register(server.url);
    await expectJson(await sendJson(`${server.adminUrl}/admin/users/${admin.user.id}/role`, 'PUT', { role: 'admin' }), 200);
    const update = { op: 'command', name: 'users.update', args: { id: victim.user.id, patch: { first_name: 'Changed' } } };
    const asUser = await querySocket(server.url, `access_token=${user.access_token}`);
    assert.equal(failed(await asUser.request({ id: 1, ...update }), 403), 'https://sortie.dev/problems/forbidden');
    const asAdmin = await querySocket(server.url, `access_token=${admin.access_token}`);
    assert.equal((ok(await asAdmin.request({ id: 1, ...update })) as UserJson).first_name, 'Changed');
    const forged = { email: `ws-${randomUUID()}@example.org`, password_hash: '$scrypt$ln=1,r=1,p=1$AA$AA', first_name: 'Evil', last_name: 'Doer', refresh_hash: 'a'.repeat(64) };
    for (const ws of [asUser, asAdmin]) {
      assert.equal(failed(await ws.request({ id: 2, op: 'command', name: 'users.register', args: forged }), 403), 'https://sortie.dev/problems/forbidden');
      assert.equal(failed(await ws.request({ id: 3, op: 'command', name: 'sessions.refresh', args: { refresh_hash: 'a'.repeat(64), next_hash: 'b'.repeat(64) } }), 403),
        'https://sortie.dev/problems/forbidden');
    }
    asUser.close();
    asAdmin.close();
  });

  test('after DELETE /me the socket\'s commands are refused; public commands still work anonymously', async () => {
    const reg = await register(server.url);
    const ws = await querySocket(server.url, `access_token=${reg.access_token}`);
    ok(await ws.request({ id: 1, op: 'command', name: 'users.update', args: { id: reg.user.id, patch: { first_name: 'Before' } } }));
    ok(await ws.request({ id: 2, op: 'command', name: 'users.delete', args: { id: reg.user.id } }));
    assert.equal(failed(await ws.request({ id: 3, op: 'command', name: 'users.update', args: { id: reg.user.id, patch: { first_name: 'After' } } }), 401),
      'https://sortie.dev/problems/invalid-token');
    await expectProblem(await me(reg.access_token), 401);
    const anon = await querySocket(server.url, '');
    ok(await anon.request({ id: 1, op: 'command', name: 'areas.create', args: { name: 'Anon', type: `ws-${randomUUID()}` } }));
    ws.close();
    anon.close();
  });
});

describe('keys: development secret, production, rotation, EdDSA', () => {
  test('without JWT_SECRET a secret is generated in DATA_DIR (0600) with a warning, and survives a restart', async () => {
    const dataDir = tempDataDir();
    const s1 = await startServer({ DATA_DIR: dataDir }, true);
    const reg = await register(s1.url);
    assert.ok(s1.logs.some((l) => l.level === 40 && String(l.msg).startsWith('JWT_SECRET is not set')));
    assert.equal(await s1.stop(), 0);
    const file = join(dataDir, 'jwt-secret');
    assert.ok(existsSync(file));
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const s2 = await startServer({ DATA_DIR: dataDir });
    assert.equal((await expectJson<UserJson>(await fetch(`${s2.url}/me`, { headers: bearer(reg.access_token) }), 200)).id, reg.user.id);
    await s2.dispose();
  });

  test('NODE_ENV=production refuses to start without JWT_SECRET, or with a lowered scrypt cost', async () => {
    await assert.rejects(startServer({ NODE_ENV: 'production' }), /exited with 2[\s\S]*JWT_SECRET/);
    await assert.rejects(startServer({ NODE_ENV: 'production', JWT_SECRET: SECRET, SCRYPT_COST_LOG2: '10' }), /exited with 2[\s\S]*SCRYPT_COST_LOG2/);
    await assert.rejects(startServer({ JWT_SECRET: 'too-short' }), /exited with 2[\s\S]*JWT_SECRET=<hidden>/);
  });

  test('rotation: after a new JWT_SECRET with the old one as JWT_PREVIOUS_SECRET, old tokens verify until dropped', async () => {
    const dataDir = tempDataDir();
    const oldSecret = 'the-old-secret-0123456789abcdefghijklmnop';
    const newSecret = 'the-new-secret-0123456789abcdefghijklmnop';
    const s1 = await startServer({ DATA_DIR: dataDir, JWT_SECRET: oldSecret }, true);
    const reg = await register(s1.url);
    await s1.stop();
    const s2 = await startServer({ DATA_DIR: dataDir, JWT_SECRET: newSecret, JWT_PREVIOUS_SECRET: oldSecret }, true);
    await expectJson(await fetch(`${s2.url}/me`, { headers: bearer(reg.access_token) }), 200);
    const fresh = await expectJson<TokenPairJson>(await sendJson(`${s2.url}/auth/login`, 'POST', { email: reg.credentials.email, password: reg.credentials.password }), 200);
    assert.notEqual(decodeProtectedHeader(fresh.access_token).kid, decodeProtectedHeader(reg.access_token).kid);
    await s2.stop();
    const s3 = await startServer({ DATA_DIR: dataDir, JWT_SECRET: newSecret });
    await expectProblem(await fetch(`${s3.url}/me`, { headers: bearer(reg.access_token) }), 401);
    await expectJson(await fetch(`${s3.url}/me`, { headers: bearer(fresh.access_token) }), 200);
    await s3.dispose();
  });

  test('JWT_PRIVATE_KEY signs EdDSA tokens that verify with its public key; JWT_SECRET then only verifies', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const dataDir = tempDataDir();
    const s1 = await startServer({ DATA_DIR: dataDir, JWT_SECRET: SECRET }, true);
    const hsToken = (await register(s1.url)).access_token;
    await s1.stop();
    const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const s2 = await startServer({ DATA_DIR: dataDir, JWT_SECRET: SECRET, JWT_PRIVATE_KEY: pem });
    const reg = await register(s2.url);
    assert.equal(decodeProtectedHeader(reg.access_token).alg, 'EdDSA');
    const spki = await importSPKI(publicKey.export({ format: 'pem', type: 'spki' }).toString(), 'EdDSA');
    const { payload } = await jwtVerify(reg.access_token, spki, { issuer: 'https://sortie.dev', audience: 'sortie-api' });
    assert.equal(payload.sub, reg.user.id);
    await expectJson(await fetch(`${s2.url}/me`, { headers: bearer(reg.access_token) }), 200);
    await expectJson(await fetch(`${s2.url}/me`, { headers: bearer(hsToken) }), 200);
    await s2.dispose();
  });
});

describe('erasure', () => {
  test('DELETE /me with an Idempotency-Key leaves no record keyed by the erased account', async () => {
    const dataDir = tempDataDir();
    const s = await startServer({ DATA_DIR: dataDir }, true);
    const reg = await register(s.url);
    const patched = await fetch(`${s.url}/me`, { method: 'PATCH', headers: { ...bearer(reg.access_token), 'content-type': 'application/json', 'idempotency-key': randomUUID() }, body: '{"first_name":"Kept"}' });
    assert.equal(patched.status, 200);
    const res = await fetch(`${s.url}/me`, { method: 'DELETE', headers: { ...bearer(reg.access_token), 'idempotency-key': randomUUID() } });
    assert.equal(res.status, 204);
    assert.equal(await s.stop(), 0);
    const store = openStore(dataDir);
    try {
      const mine = [...store.idempotency.getKeys()].filter(([principal]) => principal === reg.user.id);
      assert.deepEqual(mine, [], 'idempotency records of the erased account');
    } finally {
      await store.env.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
