/**
 * Rate limits (../shared/API.md, Conventions): per client IP when anonymous, per user when
 * authenticated, `RateLimit-*` headers, 429 with `Retry-After`; failed logins throttled per (email,
 * IP), per IP and per email; the same windows for WebSocket upgrades and command frames.
 *
 * The server trusts X-Forwarded-For from loopback (TRUST_PROXY), so each test speaks as its own
 * client address and starts with fresh windows.
 */
import assert from 'node:assert/strict';
import parse from 'parse-prometheus-text-format';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { bearer, newAccount, querySocket, register, upgradeStatus } from '../helpers/auth.ts';
import { assertProblemShape, expectJson, expectProblem, sendJson } from '../helpers/http.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import type { ReplyFrame } from '../helpers/ws-client.ts';

const ANON = 60;
const USER = 15;
/** Login windows: per (email, IP) at its default, per IP and per email above it. */
const PER_PAIR = 10;
const PER_IP = 25;
const PER_EMAIL = 30;

let server: TestServer;
before(async () => {
  server = await startServer({
    RATE_LIMIT: 'on', RATE_LIMIT_ANON: String(ANON), RATE_LIMIT_USER: String(USER), TRUST_PROXY: 'loopback',
    LOGIN_FAILURES_PER_ACCOUNT: String(PER_PAIR), LOGIN_FAILURES_PER_IP: String(PER_IP), LOGIN_FAILURES_PER_EMAIL: String(PER_EMAIL),
  });
});
after(async () => {
  assert.equal(await server.stop(), 0);
  assert.deepEqual(server.logs.filter((l) => (l.level as number) >= 50), [], 'no error was logged');
  await server.dispose();
});

let lastIp = 0;
/** A client address no other request of this file used. */
const freshIp = () => `198.51.${100 + Math.floor(++lastIp / 250)}.${lastIp % 250 + 1}`;
const from = (ip: string, headers: Record<string, string> = {}) => ({ 'x-forwarded-for': ip, ...headers });

/** The three RateLimit headers of a reply, as numbers. */
function limits(res: Response): { limit: number; remaining: number; reset: number } {
  const n = (h: string) => Number(res.headers.get(h));
  assert.ok(res.headers.has('ratelimit-limit'), `RateLimit-Limit on ${res.status}`);
  return { limit: n('ratelimit-limit'), remaining: n('ratelimit-remaining'), reset: n('ratelimit-reset') };
}

/** Checks a 429: problem+json, `Retry-After` in 1..60 s; returns its detail. */
async function expect429(res: Response): Promise<string> {
  const retryAfter = Number(res.headers.get('retry-after'));
  assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 900, `Retry-After ${res.headers.get('retry-after')}`);
  const p = await expectProblem(res, 429);
  assert.equal(p.type, 'https://sortie.dev/problems/rate-limited');
  return p.detail ?? '';
}

describe('request windows', () => {
  test('anonymous: RateLimit headers count down per client IP, then 429 with Retry-After; another IP has its own window', async () => {
    const ip = freshIp();
    for (let i = 1; i <= ANON; i++) {
      const res = await fetch(`${server.url}/health`, { headers: from(ip) });
      assert.equal(res.status, 200);
      await res.text();
      const l = limits(res);
      assert.deepEqual([l.limit, l.remaining], [ANON, ANON - i]);
      assert.ok(l.reset >= 1 && l.reset <= 60, `RateLimit-Reset ${l.reset}`);
    }
    const over = await fetch(`${server.url}/areas/1`, { headers: from(ip) });
    assert.equal(limits(over).remaining, 0);
    assert.match(await expect429(over), new RegExp(`more than ${ANON} requests`, 'i'));
    const other = await fetch(`${server.url}/health`, { headers: from(freshIp()) });
    await other.text();
    assert.equal(limits(other).remaining, ANON - 1);
    const metrics = parse(await (await fetch(`${server.adminUrl}/metrics`)).text());
    const rejected = metrics.find((f) => f.name === 'sortie_rate_limit_rejections_total')?.metrics.find((m) => m.labels?.scope === 'anon');
    assert.ok(Number(rejected?.value) >= 1, 'the 429 is counted in sortie_rate_limit_rejections_total{scope="anon"}');
  });

  test('X-Forwarded-For is walked from the right: a forged left-hand entry does not open a new window', async () => {
    const ip = freshIp();
    for (let i = 0; i < ANON; i++) {
      const res = await fetch(`${server.url}/health`, { headers: from(`10.9.8.${i}, ${ip}`) });
      assert.equal(res.status, 200);
      await res.text();
    }
    await expect429(await fetch(`${server.url}/health`, { headers: from(`10.9.9.9, ${ip}`) }));
  });

  test('authenticated: a per-user window of RATE_LIMIT_USER, apart from the IP\'s and across IPs', async () => {
    const ip = freshIp();
    const reg = await register(server.url, newAccount(), from(ip));
    for (let i = 1; i <= USER; i++) {
      const res = await fetch(`${server.url}/me`, { headers: from(i % 2 === 0 ? ip : freshIp(), bearer(reg.access_token)) });
      assert.equal(res.status, 200);
      await res.text();
      assert.deepEqual([limits(res).limit, limits(res).remaining], [USER, USER - i]);
    }
    await expect429(await fetch(`${server.url}/me`, { headers: from(freshIp(), bearer(reg.access_token)) }));
    const anon = await fetch(`${server.url}/health`, { headers: from(ip) });
    await anon.text();
    assert.deepEqual([anon.status, limits(anon).limit, limits(anon).remaining], [200, ANON, ANON - 2], 'register and this request');
  });

  test('an invalid token is a 401 and counts in the IP\'s window', async () => {
    const ip = freshIp();
    const res = await fetch(`${server.url}/health`, { headers: from(ip, bearer('not.a.token')) });
    await expectProblem(res, 401);
    const next = await fetch(`${server.url}/health`, { headers: from(ip) });
    await next.text();
    assert.equal(limits(next).remaining, ANON - 2);
  });
});

describe('failed logins', () => {
  const login = (email: string, password: string, ip = freshIp()) => sendJson(`${server.url}/auth/login`, 'POST', { email, password }, from(ip));
  const wrong = async (email: string, ip = freshIp()) => expectProblem(await login(email, 'wrong password', ip), 401);

  test('per (email, IP): failures from one address do not lock the user out at another; that address stays refused', async () => {
    const { credentials } = await register(server.url, newAccount(), from(freshIp()));
    const attacker = freshIp();
    for (let i = 0; i < PER_PAIR; i++) await wrong(credentials.email, attacker);
    await expectJson(await login(credentials.email, credentials.password, freshIp()), 200);
    assert.match(await expect429(await login(credentials.email, credentials.password, attacker)), /login attempts/);
    // Attempts the attacker's address is refused do not spend the email's ceiling.
    for (let i = 0; i < PER_EMAIL; i++) await expect429(await login(credentials.email, 'wrong password', attacker));
    await expectJson(await login(credentials.email, credentials.password, freshIp()), 200);
  });

  test('an unknown email is throttled the same way (no hint that it has no account)', async () => {
    const email = `nobody-${randomUUID()}@example.org`;
    const ip = freshIp();
    for (let i = 0; i < PER_PAIR; i++) await wrong(email, ip);
    await expect429(await login(email, 'wrong password', ip));
  });

  test('a successful login clears the failures of its (email, IP)', async () => {
    const { credentials } = await register(server.url, newAccount(), from(freshIp()));
    const ip = freshIp();
    for (let i = 0; i < PER_PAIR - 1; i++) await wrong(credentials.email, ip);
    await expectJson(await login(credentials.email, credentials.password, ip), 200);
    for (let i = 0; i < PER_PAIR; i++) await wrong(credentials.email, ip);
    await expect429(await login(credentials.email, 'wrong password', ip));
  });

  test('per IP, across accounts: after LOGIN_FAILURES_PER_IP failures from one address, its next attempt is a 429', async () => {
    const ip = freshIp();
    for (let i = 0; i < PER_IP; i++) await wrong(`guess-${randomUUID()}@example.org`, ip);
    assert.match(await expect429(await login(`guess-${randomUUID()}@example.org`, 'wrong password', ip)), /login attempts/);
  });

  test('per email, across IPs: LOGIN_FAILURES_PER_EMAIL failures from many addresses refuse the email everywhere', async () => {
    const { credentials } = await register(server.url, newAccount(), from(freshIp()));
    for (let i = 0; i < PER_EMAIL; i++) await wrong(credentials.email);
    assert.match(await expect429(await login(credentials.email, credentials.password)), /login attempts/);
    await expectJson(await login((await register(server.url, newAccount(), from(freshIp()))).credentials.email, 'correct horse battery'), 200);
    const metrics = parse(await (await fetch(`${server.adminUrl}/metrics`)).text());
    const rejected = metrics.find((f) => f.name === 'sortie_rate_limit_rejections_total')?.metrics.find((m) => m.labels?.scope === 'login_email');
    assert.equal(Number(rejected?.value), 1, 'sortie_rate_limit_rejections_total{scope="login_email"}');
  });
});

describe('WebSocket', () => {
  const create = (id: number) => ({ id, op: 'command', name: 'areas.create', args: { name: 'Rated', type: `rl-${randomUUID()}` } });
  const isOk = (r: ReplyFrame) => r.ok;
  const status429 = (r: ReplyFrame) => {
    assert.equal(r.ok, false, JSON.stringify(r));
    const p = (r as { error: Parameters<typeof assertProblemShape>[0] }).error;
    assertProblemShape(p, 429);
  };

  test('anonymous: the upgrade and each command frame count in the IP\'s window; then 429 frames, and a new upgrade is a 429', async () => {
    const ip = freshIp();
    const ws = await querySocket(server.url, '', from(ip));
    for (let i = 1; i < ANON; i++) assert.ok(isOk(await ws.request(create(i))), `frame ${i}`);
    status429(await ws.request(create(ANON)));
    const ping = await ws.request({ id: 'p', op: 'ping' });
    assert.ok(ping.ok, 'pings are not commands: not counted');
    ws.close();
    const up = await upgradeStatus(server.url, '', from(ip));
    assert.equal(up.status, 429);
    assert.equal(up.contentType, 'application/problem+json');
  });

  test('authenticated: command frames count in the user\'s window', async () => {
    const reg = await register(server.url, newAccount(), from(freshIp()));
    const ws = await querySocket(server.url, `access_token=${reg.access_token}`, from(freshIp()));
    for (let i = 1; i < USER; i++) assert.ok(isOk(await ws.request(create(i))), `frame ${i}`);
    status429(await ws.request(create(USER)));
    await expect429(await fetch(`${server.url}/me`, { headers: from(freshIp(), bearer(reg.access_token)) }));
    ws.close();
  });
});

describe('without TRUST_PROXY', () => {
  test('X-Forwarded-For is ignored: a client cannot leave its window by sending one', async () => {
    const plain = await startServer({ RATE_LIMIT: 'on', RATE_LIMIT_ANON: '3' });
    try {
      for (let i = 0; i < 3; i++) {
        const res = await fetch(`${plain.url}/health`, { headers: from(`203.0.113.${i}`) });
        assert.equal(res.status, 200);
        await res.text();
      }
      await expect429(await fetch(`${plain.url}/health`, { headers: from('203.0.113.99') }));
    } finally {
      await plain.dispose();
    }
  });
});
