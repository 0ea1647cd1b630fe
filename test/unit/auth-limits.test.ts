import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '../../src/config.ts';
import { checkAccess } from '../../src/core/auth/access.ts';
import { Problem } from '../../src/core/errors.ts';
import { canonicalIp, clientIpResolver, ipKey } from '../../src/http/auth/client-ip.ts';
import { LoginThrottle } from '../../src/http/auth/login-throttle.ts';
import { FixedWindowLimiter, rateHeaders } from '../../src/http/auth/ratelimit.ts';

test('a fixed window counts down, refuses past its limit, and starts again when it ends', () => {
  const l = new FixedWindowLimiter(3, 60_000, 100);
  const t0 = 1_000_000;
  assert.deepEqual(l.hit('a', t0), { limit: 3, remaining: 2, resetS: 60, exceeded: false });
  assert.deepEqual(l.hit('a', t0 + 10_500), { limit: 3, remaining: 1, resetS: 50, exceeded: false });
  assert.equal(l.hit('a', t0 + 20_000).exceeded, false);
  assert.deepEqual(l.hit('a', t0 + 30_000), { limit: 3, remaining: 0, resetS: 30, exceeded: true });
  assert.equal(l.hit('b', t0 + 30_000).remaining, 2, 'keys are counted apart');
  assert.deepEqual(l.hit('a', t0 + 60_000), { limit: 3, remaining: 2, resetS: 60, exceeded: false }, 'a new window');
});

test('undo takes one request back; reset forgets the key', () => {
  const l = new FixedWindowLimiter(2, 60_000, 100);
  l.hit('k', 0);
  l.hit('k', 0);
  l.undo('k');
  assert.equal(l.hit('k', 0).exceeded, false);
  assert.equal(l.hit('k', 0).exceeded, true);
  l.reset('k');
  assert.equal(l.hit('k', 0).remaining, 1);
});

test('memory is bounded: past maxKeys the least recently seen key is forgotten', () => {
  const l = new FixedWindowLimiter(1, 60_000, 100);
  l.hit('victim', 0);
  assert.equal(l.hit('victim', 0).exceeded, true);
  for (let i = 0; i < 10_000; i++) l.hit(`flood-${i}`, 0);
  assert.equal(l.hit('victim', 0).exceeded, false, 'evicted: its count starts again');
  assert.equal(l.hit('flood-9999', 0).exceeded, true, 'recent keys are kept');
});

test('login throttle: per (email, IP), per IP, per email; refusals by a narrower window never reach the email ceiling', () => {
  const w = (limit: number) => new FixedWindowLimiter(limit, 900_000, 100);
  const limits = { pair: w(2), ip: w(4), email: w(5) };
  const t = new LoginThrottle(limits);
  const status = (email: string, ip: string) => {
    try { t.attempt(email, ip, 0); return 'counted'; } catch (err) { assert.ok(err instanceof Problem); return err.status; }
  };
  assert.deepEqual([status('a@x', '192.0.2.1'), status('a@x', '192.0.2.1'), status('a@x', '192.0.2.1')], ['counted', 'counted', 429]);
  assert.equal(status('a@x', '192.0.2.2'), 'counted', 'another address has its own (email, IP) window');
  assert.deepEqual([status('b@x', '192.0.2.1'), status('c@x', '192.0.2.1')], ['counted', 429], 'the IP window fills across emails');
  t.succeeded('a@x', '192.0.2.2');
  // a@x has 2 attempts in its email window: the one refused per (email, IP) and the success are not counted.
  assert.deepEqual(['192.0.2.3', '192.0.2.4', '192.0.2.5', '192.0.2.6'].map((ip) => status('a@x', ip)), ['counted', 'counted', 'counted', 429],
    'the email ceiling then refuses every address');
  assert.equal(limits.email.rejections, 1);
});

test('rateHeaders: RateLimit-Limit, -Remaining, -Reset', () => {
  assert.deepEqual(rateHeaders({ limit: 100, remaining: 7, resetS: 42, exceeded: false }),
    { 'RateLimit-Limit': '100', 'RateLimit-Remaining': '7', 'RateLimit-Reset': '42' });
});

test('client IP: the peer without TRUST_PROXY, whatever X-Forwarded-For says', () => {
  const ip = clientIpResolver('');
  assert.equal(ip('192.0.2.7', '203.0.113.1'), '192.0.2.7');
  assert.equal(ip('0000:0000:0000:0000:0000:ffff:7f00:0001', ''), '127.0.0.1');
  assert.equal(ip('2001:0db8:0000:0000:0000:0000:0000:0001', ''), '2001:db8::1');
});

test('client IP with TRUST_PROXY: X-Forwarded-For walked from the right past trusted proxies only', () => {
  const ip = clientIpResolver('10.0.0.0/8, loopback');
  assert.equal(ip('10.0.0.2', '203.0.113.9'), '203.0.113.9');
  assert.equal(ip('10.0.0.2', '198.51.100.1, 203.0.113.9, 10.0.0.1'), '203.0.113.9', 'a client-written left entry is ignored');
  assert.equal(ip('192.0.2.50', '203.0.113.9'), '192.0.2.50', 'an untrusted peer\'s header is ignored');
  assert.equal(ip('10.0.0.2', ''), '10.0.0.2');
  assert.equal(ip('0000:0000:0000:0000:0000:0000:0000:0001', '::ffff:203.0.113.4'), '203.0.113.4');
  assert.throws(() => clientIpResolver('10.0.0.0/8, not-an-address'), ConfigError);
});

test('IPv6 clients are counted per /64; IPv4 per address', () => {
  assert.equal(ipKey('2001:db8:1:2:3:4:5:6'), '2001:db8:1:2::/64');
  assert.equal(ipKey('2001:db8:1:2:ffff::1'), ipKey('2001:db8:1:2:3:4:5:6'));
  assert.equal(ipKey('203.0.113.4'), '203.0.113.4');
  assert.equal(canonicalIp('203.0.113.4'), '203.0.113.4');
});

test('command access: public, server-only, and own account (or admin)', () => {
  const own = { self: (a: { id: string }) => a.id };
  const user = { id: 'u1', role: 'user' as const };
  const status = (fn: () => void) => {
    try { fn(); } catch (err) { assert.ok(err instanceof Problem); return err.status; }
    return 'allowed';
  };
  assert.equal(status(() => checkAccess('public', {}, undefined, false)), 'allowed');
  assert.equal(status(() => checkAccess('server', {}, user, false)), 403);
  assert.equal(status(() => checkAccess('server', {}, undefined, true)), 'allowed');
  assert.equal(status(() => checkAccess(own, { id: 'u1' }, undefined, false)), 401);
  assert.equal(status(() => checkAccess(own, { id: 'u1' }, user, false)), 'allowed');
  assert.equal(status(() => checkAccess(own, { id: 'u2' }, user, false)), 403);
  assert.equal(status(() => checkAccess(own, { id: 'u2' }, { id: 'a', role: 'admin' }, false)), 'allowed');
  assert.equal(status(() => checkAccess(own, { id: 'u2' }, { id: 'p', role: 'user' }, false)), 403);
});
