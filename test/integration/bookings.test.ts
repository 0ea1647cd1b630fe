/**
 * Bookings over HTTP and WebSocket (../shared/API.md, "Bookings", "WebSocket"): never overbooked, the
 * state machine and its rights, QR check-in, deadlines, reads, topics, GDPR.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { bearer, register, type TokenPairJson } from '../helpers/auth.ts';
import { newOffer, newOwner, type OfferJson, type Owner } from '../helpers/catalogue.ts';
import { expectJson, expectProblem, sendJson } from '../helpers/http.ts';
import { decodeQrSvg } from '../helpers/qr-svg.ts';
import { startServer } from '../helpers/server.ts';
import { suiteServer } from '../helpers/suite.ts';
import { WsClient, type ReplyFrame } from '../helpers/ws-client.ts';

/** A booking as the API returns it. */
interface BookingJson {
  id: string; offer_id: string; partner_id: string; user_id: string | null; status: string; qr_code: string | null;
  created_at: string; expires_at: string | null; confirmed_at: string | null; checked_in_at: string | null; cancelled_at: string | null;
}

let owner: Owner;
const suite = suiteServer({ BOOKING_HOLD_MS: '1500', BOOKING_TTL_MS: '3600000' }, async (s) => { owner = await newOwner(s.url); });
const { url, get } = suite;
const post = (path: string, body: unknown, headers: Record<string, string> = {}) => suite.send('POST', path, body, headers);
const server = () => suite.server.url;
const book = (offerId: string, who: TokenPairJson, headers: Record<string, string> = {}) => post('/bookings', { offer_id: offerId }, { ...bearer(who.access_token), ...headers });
const remaining = async (offerId: string) => (await expectJson<OfferJson>(await get(`/offers/${offerId}`), 200)).remaining;
const staffOf = async (o: Owner) => {
  const staff = await register(suite.server.url);
  await expectJson(await post(`/partners/${o.partner.id}/members`, { email: staff.user.email, role: 'staff' }, o.auth), 201);
  return staff;
};
const waitFor = async (check: () => Promise<boolean>, ms = 8000) => {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 100))) if (await check()) return;
  assert.fail('condition not reached in time');
};

describe('never overbooked', () => {
  test('1,000 concurrent bookings from 20 users at quota 500: exactly 500 are 201 and 500 are 409 quota-exhausted', async () => {
    const offer = await newOffer(suite.server.url, owner, { quota: { total: 500 } });
    const users = await Promise.all(Array.from({ length: 20 }, () => register(suite.server.url)));
    const answers = await Promise.all(Array.from({ length: 1000 }, async (_, i) => {
      const res = await book(offer.id, users[i % 20] as TokenPairJson);
      const body = await res.json() as { type?: string };
      return res.status === 409 ? `409 ${body.type}` : String(res.status);
    }));
    const tally = new Map<string, number>();
    for (const a of answers) tally.set(a, (tally.get(a) ?? 0) + 1);
    assert.deepEqual(Object.fromEntries(tally), { 201: 500, '409 https://sortie.dev/problems/quota-exhausted': 500 });
    assert.equal(await remaining(offer.id), 0);
  });

  test('per-user limit: 409 per-user-limit; a cancellation gives the slot back', async () => {
    const offer = await newOffer(suite.server.url, owner, { quota: { total: 10, per_user: 2 } });
    const u = await register(suite.server.url);
    const first = await expectJson<BookingJson>(await book(offer.id, u), 201);
    await expectJson(await book(offer.id, u), 201);
    const p = await expectProblem(await book(offer.id, u), 409);
    assert.equal(p.type, 'https://sortie.dev/problems/per-user-limit');
    assert.equal(await remaining(offer.id), 8);
    const cancelled = await expectJson<BookingJson>(await post(`/bookings/${first.id}/cancel`, {}, bearer(u.access_token)), 200);
    assert.equal(cancelled.status, 'CANCELLED');
    assert.equal(await remaining(offer.id), 9);
    await expectJson(await book(offer.id, u), 201);
  });

  test('refusals: 422 offer not active now, 404 unknown offer, 401 anonymous, 400 bad body; Idempotency-Key replays', async () => {
    const u = await register(suite.server.url);
    const off = await newOffer(suite.server.url, owner, { is_active: false });
    const later = await newOffer(suite.server.url, owner, { valid_from: '2099-01-01T00:00:00.000Z', valid_until: '2099-02-01T00:00:00.000Z' });
    for (const o of [off, later]) assert.equal((await expectProblem(await book(o.id, u), 422)).type, 'https://sortie.dev/problems/offer-not-active');
    await expectProblem(await book('0190a5e0-0000-7000-8000-000000000000', u), 404);
    await expectProblem(await post('/bookings', { offer_id: off.id }), 401);
    await expectProblem(await post('/bookings', { offer: off.id }, bearer(u.access_token)), 400, ['/offer_id', '/offer']);
    const offer = await newOffer(suite.server.url, owner, { quota: { total: 5 } });
    const key = { 'idempotency-key': `book-${Math.random()}` };
    const a = await expectJson<BookingJson>(await book(offer.id, u, key), 201);
    const again = await book(offer.id, u, key);
    assert.equal(again.headers.get('idempotent-replayed'), 'true');
    assert.equal((await expectJson<BookingJson>(again, 201)).id, a.id);
    assert.equal(await remaining(offer.id), 4, 'the retry did not book twice');
  });
});

describe('states, rights and QR', () => {
  test('PENDING → CONFIRMED by staff → CHECKED_IN with the QR code; every other transition is 409 invalid-state', async () => {
    const offer = await newOffer(suite.server.url, owner, { requires_approval: true, quota: { total: 3 } });
    const staff = await staffOf(owner);
    const u = await register(suite.server.url);
    const b = await expectJson<BookingJson>(await book(offer.id, u), 201);
    assert.deepEqual([b.status, b.checked_in_at, b.confirmed_at, b.user_id], ['PENDING', null, null, u.user.id]);
    assert.ok(b.qr_code !== null && b.qr_code.length < 80);
    assert.ok(Date.parse(b.expires_at ?? '') - Date.parse(b.created_at) === 1500, 'created + BOOKING_HOLD_MS');
    const as = (who: TokenPairJson) => bearer(who.access_token);
    await expectProblem(await post(`/bookings/${b.id}/check-in`, { qr_code: b.qr_code }, as(staff)), 409);
    await expectProblem(await post(`/bookings/${b.id}/confirm`, {}, as(u)), 403);
    await expectProblem(await post(`/bookings/${b.id}/confirm`, {}, as(await register(suite.server.url))), 404);
    const c = await expectJson<BookingJson>(await post(`/bookings/${b.id}/confirm`, {}, as(staff)), 200);
    assert.equal(c.status, 'CONFIRMED');
    assert.equal(c.qr_code, null, 'staff do not see the code');
    assert.equal(Date.parse(c.expires_at ?? '') - Date.parse(c.confirmed_at ?? ''), 3_600_000, 'confirmation + BOOKING_TTL_MS');
    await expectProblem(await post(`/bookings/${b.id}/confirm`, {}, as(staff)), 409);
    const other = await expectJson<BookingJson>(await book(offer.id, u), 201);
    const wrong = await expectProblem(await post(`/bookings/${b.id}/check-in`, { qr_code: other.qr_code }, as(staff)), 422);
    assert.equal(wrong.type, 'https://sortie.dev/problems/wrong-qr-code');
    await expectProblem(await post(`/bookings/${b.id}/check-in`, { qr_code: `${b.qr_code?.slice(0, -2)}AA` }, as(staff)), 422);
    await expectProblem(await post(`/bookings/${b.id}/check-in`, {}, as(staff)), 400, ['/qr_code']);
    const done = await expectJson<BookingJson>(await post(`/bookings/${b.id}/check-in`, { qr_code: b.qr_code }, as(staff)), 200);
    assert.equal(done.status, 'CHECKED_IN');
    assert.ok(done.checked_in_at !== null && done.expires_at === null);
    const again = await expectProblem(await post(`/bookings/${b.id}/check-in`, { qr_code: b.qr_code }, as(staff)), 409);
    assert.equal(again.type, 'https://sortie.dev/problems/invalid-state');
    await expectProblem(await post(`/bookings/${b.id}/cancel`, {}, as(u)), 409);
    assert.equal(await remaining(offer.id), 1, 'CHECKED_IN still holds its slot');
  });

  test('reads: booker (with qr_code), staff and admin see a booking; anyone else gets 404; the QR SVG decodes to the token', async () => {
    const offer = await newOffer(suite.server.url, owner);
    const u = await register(suite.server.url);
    const b = await expectJson<BookingJson>(await book(offer.id, u), 201);
    assert.deepEqual(await expectJson(await get(`/bookings/${b.id}`, bearer(u.access_token)), 200), b);
    const asOwner = await expectJson<BookingJson>(await get(`/bookings/${b.id}`, owner.auth), 200);
    assert.deepEqual(asOwner, { ...b, qr_code: null });
    const stranger = await register(suite.server.url);
    await expectProblem(await get(`/bookings/${b.id}`, bearer(stranger.access_token)), 404);
    await expectProblem(await get(`/bookings/${b.id}`), 401);
    await expectJson(await sendJson(`${suite.server.adminUrl}/admin/users/${stranger.user.id}/role`, 'PUT', { role: 'admin' }), 200);
    assert.equal((await expectJson<BookingJson>(await get(`/bookings/${b.id}`, bearer(stranger.access_token)), 200)).id, b.id);
    const svg = await get(`/bookings/${b.id}/qr.svg`, bearer(u.access_token));
    assert.equal(svg.status, 200);
    assert.equal(svg.headers.get('content-type'), 'image/svg+xml');
    assert.equal(decodeQrSvg(await svg.text()), b.qr_code);
    await expectProblem(await get(`/bookings/${b.id}/qr.svg`, owner.auth), 404);
  });

  test('GET /me/bookings and GET /partners/{id}/bookings: newest first, filters, paging, staff only', async () => {
    const o = await newOwner(suite.server.url);
    const [x, y] = [await newOffer(suite.server.url, o), await newOffer(suite.server.url, o, { requires_approval: true })];
    const u = await register(suite.server.url);
    const made = [await expectJson<BookingJson>(await book(x.id, u), 201), await expectJson<BookingJson>(await book(y.id, u), 201), await expectJson<BookingJson>(await book(x.id, u), 201)];
    const mine = await expectJson<BookingJson[]>(await get('/me/bookings', bearer(u.access_token)), 200);
    assert.deepEqual(mine.map((b) => b.id), made.map((b) => b.id).reverse());
    assert.ok(mine.every((b) => b.qr_code !== null));
    assert.deepEqual((await expectJson<BookingJson[]>(await get('/me/bookings?status=PENDING', bearer(u.access_token)), 200)).map((b) => b.id), [made[1]?.id]);
    const pages: string[] = [];
    for (let next: string | undefined = url('/me/bookings?limit=1'); next !== undefined;) {
      const res: Response = await fetch(next, { headers: bearer(u.access_token) });
      pages.push(...(await expectJson<BookingJson[]>(res, 200)).map((b) => b.id));
      const link = /<([^>]+)>/.exec(res.headers.get('link') ?? '')?.[1];
      next = link === undefined ? undefined : url(link);
    }
    assert.deepEqual(pages, made.map((b) => b.id).reverse());
    const forPartner = await expectJson<BookingJson[]>(await get(`/partners/${o.partner.id}/bookings?offer_id=${x.id}`, o.auth), 200);
    assert.deepEqual(forPartner.map((b) => b.id), [made[2]?.id, made[0]?.id]);
    assert.ok(forPartner.every((b) => b.qr_code === null));
    assert.equal((await expectJson<BookingJson[]>(await get(`/partners/${o.partner.id}/bookings?status=CONFIRMED`, o.auth), 200)).length, 2);
    await expectProblem(await get(`/partners/${o.partner.id}/bookings`, bearer(u.access_token)), 403);
    await expectProblem(await get(`/partners/${o.partner.id}/bookings?status=LOST`, o.auth), 400, ['/status']);
    await expectProblem(await get('/me/bookings'), 401);
  });

  test('deadlines: PENDING expires at created + BOOKING_HOLD_MS, its slot released', async () => {
    const offer = await newOffer(suite.server.url, owner, { requires_approval: true, quota: { total: 2 } });
    const u = await register(suite.server.url);
    const b = await expectJson<BookingJson>(await book(offer.id, u), 201);
    assert.equal(await remaining(offer.id), 1);
    await waitFor(async () => (await expectJson<BookingJson>(await get(`/bookings/${b.id}`, bearer(u.access_token)), 200)).status === 'EXPIRED');
    assert.equal(await remaining(offer.id), 2);
    await expectProblem(await post(`/bookings/${b.id}/confirm`, {}, owner.auth), 409);
  });

  test('a booking of a deleted offer still settles at its deadline (its history stays readable)', async () => {
    const offer = await newOffer(server(), owner, { requires_approval: true });
    const u = await register(server());
    const b = await expectJson<BookingJson>(await book(offer.id, u), 201);
    assert.equal((await fetch(url(`/offers/${offer.id}`), { method: 'DELETE', headers: owner.auth })).status, 204);
    await waitFor(async () => (await expectJson<BookingJson>(await get(`/bookings/${b.id}`, bearer(u.access_token)), 200)).status === 'EXPIRED');
  });

  test('DELETE /me anonymises the bookings: no personal data left, history and slot counts unchanged', async () => {
    const offer = await newOffer(suite.server.url, owner, { quota: { total: 5 } });
    const u = await register(suite.server.url);
    const b = await expectJson<BookingJson>(await book(offer.id, u), 201);
    const exported = await expectJson<{ bookings: BookingJson[] }>(await get('/me/export', bearer(u.access_token)), 200);
    assert.deepEqual(exported.bookings.map((x) => x.id), [b.id]);
    assert.equal((await fetch(url('/me'), { method: 'DELETE', headers: bearer(u.access_token) })).status, 204);
    const kept = await expectJson<BookingJson>(await get(`/bookings/${b.id}`, owner.auth), 200);
    assert.deepEqual(kept, { ...b, user_id: null, qr_code: null });
    assert.equal(await remaining(offer.id), 4);
  });
});

describe('WebSocket', () => {
  const ok = (r: ReplyFrame): unknown => { assert.equal(r.ok, true, JSON.stringify(r)); return (r as { result: unknown }).result; };
  const status = (r: ReplyFrame): number => { assert.equal(r.ok, false, JSON.stringify(r)); return (r as { error: { status: number } }).error.status; };
  const socketOf = async (who: TokenPairJson) => {
    const ws = await WsClient.connect(suite.server.url);
    ok(await ws.request({ id: 'auth', op: 'auth', token: who.access_token }));
    return ws;
  };

  test('booking commands, and the topics bookings:<id>, me.bookings, partners.bookings:<id> with their access rules', async () => {
    const o = await newOwner(suite.server.url);
    const offer = await newOffer(suite.server.url, o, { requires_approval: true });
    const u = await register(suite.server.url);
    const stranger = await register(suite.server.url);
    const [booker, partner, other] = [await socketOf(u), await socketOf(o.account), await socketOf(stranger)];
    ok(await partner.request({ id: 1, op: 'subscribe', topic: `partners.bookings:${o.partner.id}` }));
    ok(await booker.request({ id: 1, op: 'subscribe', topic: 'me.bookings' }));
    ok(await other.request({ id: 1, op: 'subscribe', topic: 'me.bookings' }));
    assert.equal(status(await other.request({ id: 2, op: 'subscribe', topic: `partners.bookings:${o.partner.id}` })), 403);
    const anon = await WsClient.connect(suite.server.url);
    assert.equal(status(await anon.request({ id: 1, op: 'subscribe', topic: 'me.bookings' })), 401);

    const b = ok(await booker.request({ id: 2, op: 'command', name: 'bookings.create', args: { offer_id: offer.id } })) as BookingJson;
    const created = await partner.event((e) => e.event === 'booking.created');
    assert.deepEqual(created, { topic: `partners.bookings:${o.partner.id}`, event: 'booking.created', data: { ...b, qr_code: null } });
    assert.equal(status(await other.request({ id: 3, op: 'subscribe', topic: `bookings:${b.id}` })), 404, 'someone else\'s booking stays hidden');
    ok(await booker.request({ id: 3, op: 'subscribe', topic: `bookings:${b.id}` }));

    const confirmed = ok(await partner.request({ id: 2, op: 'command', name: 'bookings.confirm', args: { id: b.id } })) as BookingJson;
    assert.equal(confirmed.status, 'CONFIRMED');
    assert.equal(((await booker.event((e) => e.topic === 'me.bookings')).data as BookingJson).status, 'PENDING', 'its creation first');
    assert.equal(((await booker.event((e) => e.topic === 'me.bookings')).data as BookingJson).status, 'CONFIRMED');
    assert.equal(((await booker.event((e) => e.topic === `bookings:${b.id}`)).data as BookingJson).status, 'CONFIRMED');
    assert.equal(((await partner.event((e) => e.event === 'booking.status_changed')).data as BookingJson).status, 'CONFIRMED');
    assert.equal(status(await partner.request({ id: 3, op: 'command', name: 'bookings.check_in', args: { id: b.id, qr_code: 'SQ1.x.y' } })), 422);
    ok(await partner.request({ id: 4, op: 'command', name: 'bookings.check_in', args: { id: b.id, qr_code: b.qr_code } }));
    assert.equal(((await booker.event((e) => e.topic === 'me.bookings')).data as BookingJson).status, 'CHECKED_IN');
    assert.equal(status(await booker.request({ id: 4, op: 'command', name: 'bookings.expire', args: { id: b.id } })), 403, 'server-only');
    assert.equal(other.inbox.length, 0, 'nothing for the stranger');
    for (const ws of [booker, partner, other, anon]) ws.close();
  });
});

describe('restart', () => {
  test('a PENDING booking whose deadline passed while the server was down is EXPIRED at start, its slot released', async () => {
    const first = await startServer({ BOOKING_HOLD_MS: '1000' }, true);
    const o = await newOwner(first.url);
    const offer = await newOffer(first.url, o, { requires_approval: true, quota: { total: 1 } });
    const u = await register(first.url);
    const b = await expectJson<BookingJson>(await sendJson(`${first.url}/bookings`, 'POST', { offer_id: offer.id }, bearer(u.access_token)), 201);
    assert.equal(await first.stop(), 0, 'stopped before the deadline');
    await new Promise((r) => setTimeout(r, 1200));
    const again = await startServer({ DATA_DIR: first.dataDir, BOOKING_HOLD_MS: '1000' });
    try {
      const read = await expectJson<BookingJson>(await fetch(`${again.url}/bookings/${b.id}`, { headers: bearer(u.access_token) }), 200);
      assert.equal(read.status, 'EXPIRED', 'settled before the server listened');
      assert.equal((await expectJson<OfferJson>(await fetch(`${again.url}/offers/${offer.id}`), 200)).remaining, 1);
    } finally {
      await again.dispose();
    }
  });
});

