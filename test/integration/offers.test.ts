/**
 * Offers, search, categories and favorites over HTTP (../shared/API.md, "Offers").
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { bearer, register, type UserJson } from '../helpers/auth.ts';
import { newOffer, newOwner, offerBody, PARIS, type OfferJson, type Owner } from '../helpers/catalogue.ts';
import { collectPages, expectJson, expectProblem } from '../helpers/http.ts';
import { suiteServer } from '../helpers/suite.ts';

const suite = suiteServer();
const { url, get, send, del } = suite;
const search = async (query: string, headers: Record<string, string> = {}) => expectJson<OfferJson[]>(await get(`/offers?${query}`, headers), 200);
const ids = (offers: OfferJson[]) => offers.map((o) => o.id);
/** A word no other test uses, so a search on it sees only this test's offers. */
const tag = () => `t${Math.random().toString(36).slice(2, 10)}`;

describe('offers', () => {
  let owner: Owner;
  before(async () => { owner = await newOwner(suite.server.url); });

  test('POST /offers answers the offer as GET shows it; quota gives remaining', async () => {
    const res = await send('POST', '/offers', offerBody(owner.establishment.id, { quota: { total: 20, per_user: 2 }, conditions: ['Sur place'], requires_approval: true }), owner.auth);
    const o = await expectJson<OfferJson>(res, 201);
    assert.equal(res.headers.get('location'), `/offers/${o.id}`);
    assert.deepEqual(Object.keys(o), ['id', 'partner_id', 'establishment', 'title', 'description', 'category', 'discount', 'conditions', 'valid_from', 'valid_until',
      'schedule', 'quota', 'requires_approval', 'images', 'is_active', 'created_at', 'updated_at', 'remaining', 'is_favorite']);
    assert.deepEqual(o.establishment, { id: owner.establishment.id, name: owner.establishment.name, location: owner.establishment.location, address: owner.establishment.address });
    assert.deepEqual([o.partner_id, o.remaining, o.is_favorite, o.requires_approval, o.is_active], [owner.partner.id, 20, false, true, true]);
    assert.deepEqual(await expectJson(await get(`/offers/${o.id}`), 200), o);
    const open = await newOffer(suite.server.url, owner);
    assert.equal(open.remaining, null, 'no quota: unlimited');
    assert.equal((await expectJson<OfferJson>(await send('PATCH', `/offers/${o.id}`, { quota: null }, owner.auth), 200)).remaining, null);
  });

  test('bad offers are 400 naming the field; the establishment decides who may create', async () => {
    const post = (over: Record<string, unknown>, auth = owner.auth) => send('POST', '/offers', offerBody(owner.establishment.id, over), auth);
    await expectProblem(await post({ valid_until: '2020-01-01T00:00:00Z' }), 400, ['/valid_until']);
    await expectProblem(await post({ discount: { kind: 'percentage', value: 150 } }), 400, ['/discount/value']);
    await expectProblem(await post({ discount: { kind: 'free' } }), 400);
    await expectProblem(await post({ category: 'PUB', title: '' }), 400, ['/category', '/title']);
    await expectProblem(await post({ schedule: [{ day: 1, start: '17:00', end: '24:00' }] }), 400, ['/schedule/0/end']);
    await expectProblem(await post({ quota: { total: 2, per_user: 3 } }), 400, ['/quota/per_user']);
    await expectProblem(await post({ quota: { total: 0 } }), 400, ['/quota/total']);
    await expectProblem(await post({ valid_from: 'yesterday' }), 400, ['/valid_from']);
    await expectProblem(await post({ establishment_id: '0190a5e0-0000-7000-8000-000000000000' }), 404);
    await expectProblem(await post({}, {}), 401);
    await expectProblem(await post({}, bearer((await register(suite.server.url)).access_token)), 403);
    await expectProblem(await get('/offers/not-an-id'), 400, ['/id']);
    await expectProblem(await get('/offers/0190a5e0-0000-7000-8000-000000000000'), 404);
  });

  test('Idempotency-Key: a retry answers the same offer; another body under the key is a 409', async () => {
    const key = { 'idempotency-key': `offer-${tag()}` };
    const body = offerBody(owner.establishment.id, { title: 'Une fois' });
    const first = await expectJson<OfferJson>(await send('POST', '/offers', body, { ...owner.auth, ...key }), 201);
    const retry = await send('POST', '/offers', body, { ...owner.auth, ...key });
    assert.equal(retry.headers.get('idempotent-replayed'), 'true');
    assert.equal((await expectJson<OfferJson>(retry, 201)).id, first.id);
    await expectProblem(await send('POST', '/offers', { ...body, title: 'Deux fois' }, { ...owner.auth, ...key }), 409);
  });

  test('PATCH re-indexes words; DELETE removes the offer everywhere', async () => {
    const [a, b] = [tag(), tag()];
    const o = await newOffer(suite.server.url, owner, { title: `Soirée ${a}` });
    assert.deepEqual(ids(await search(`q=${a}`)), [o.id]);
    await expectJson(await send('PATCH', `/offers/${o.id}`, { title: `Soirée ${b}` }, owner.auth), 200);
    assert.deepEqual(await search(`q=${a}`), []);
    assert.deepEqual(ids(await search(`q=${b}`)), [o.id]);
    assert.equal((await del(`/offers/${o.id}`, owner.auth)).status, 204);
    await expectProblem(await get(`/offers/${o.id}`), 404);
    assert.deepEqual(await search(`q=${b}`), []);
    await expectProblem(await del(`/offers/${o.id}`, owner.auth), 404);
  });
});

describe('search', () => {
  test('nearby: only inside the radius, nearest first, integer distance_m', async () => {
    const t = tag();
    const owners = await Promise.all([0.001, 0.004, 0.008, 0.05].map((d) => newOwner(suite.server.url, { location: { lat: PARIS.lat + d, lng: PARIS.lng } })));
    const offers = [];
    for (const o of owners) offers.push(await newOffer(suite.server.url, o, { title: `Apéro ${t}` }));
    const found = await search(`lat=${PARIS.lat}&lng=${PARIS.lng}&radius_m=2000&q=${t}`);
    assert.deepEqual(ids(found), ids(offers.slice(0, 3)));
    for (const o of found) assert.ok(Number.isInteger(o.distance_m) && (o.distance_m ?? 0) <= 2000);
    assert.deepEqual(found.map((o) => o.distance_m), [111, 445, 890]);
    const paged = await collectPages<OfferJson>(url(`/offers?lat=${PARIS.lat}&lng=${PARIS.lng}&radius_m=10000&q=${t}&limit=1`));
    assert.deepEqual(ids(paged.items), ids(offers));
    assert.equal(paged.pages, 4);
  });

  test('words: case and accents folded, every word whole, the last one a prefix', async () => {
    const t = tag();
    const owner = await newOwner(suite.server.url);
    const cafe = await newOffer(suite.server.url, owner, { title: `Café Théâtre ${t}`, description: 'Crêpes et cidre' });
    const tea = await newOffer(suite.server.url, owner, { title: `Salon de thé ${t}`, description: 'Pâtisseries maison' });
    assert.deepEqual(ids(await search(`q=${t}+cafe`)), [cafe.id]);
    assert.deepEqual(ids(await search(`q=${t}+CAFÉ`)), [cafe.id]);
    assert.deepEqual(ids(await search(`q=${t}+theat`)), [cafe.id], 'prefix');
    assert.deepEqual(ids(await search(`q=${t}+crepes+cid`)), [cafe.id], 'description counts');
    assert.deepEqual(await search(`q=caf+${t}x`), [], 'only the last word is a prefix');
    assert.deepEqual(await search(`q=${t}+cafe+patisseries`), [], 'every word must match');
    assert.deepEqual(ids(await search(`q=${t}`)), [tea.id, cafe.id], 'newest first');
    await expectProblem(await get('/offers?q=%20%2C%3B'), 400, ['/q']);
    await expectProblem(await get(`/offers?q=${'a+'.repeat(10)}b`), 400, ['/q']);
  });

  test('filters combine: category (repeatable), min_discount, partner, establishment, area', async () => {
    const t = tag();
    const area = await expectJson<{ id: number }>(await send('POST', '/areas', { name: 'Quartier', type: 'district' }), 201);
    const a = await newOwner(suite.server.url, { area_id: area.id });
    const b = await newOwner(suite.server.url);
    const bar = await newOffer(suite.server.url, a, { title: t, category: 'BAR', discount: { kind: 'percentage', value: 30 } });
    const club = await newOffer(suite.server.url, a, { title: t, category: 'CLUB', discount: { kind: 'fixed', value: 10 } });
    const cine = await newOffer(suite.server.url, b, { title: t, category: 'CINEMA', discount: { kind: 'percentage', value: 10 } });
    assert.deepEqual(ids(await search(`q=${t}&category=BAR&category=CINEMA`)), [cine.id, bar.id]);
    assert.deepEqual(ids(await search(`q=${t}&min_discount=20`)), [bar.id], 'percentages only');
    assert.deepEqual(ids(await search(`partner_id=${a.partner.id}`)), [club.id, bar.id]);
    assert.deepEqual(ids(await search(`establishment_id=${b.establishment.id}`)), [cine.id]);
    assert.deepEqual(ids(await search(`area_id=${area.id}&category=CLUB`)), [club.id]);
    await expectProblem(await get('/offers?category=PUB'), 400, ['/category']);
    await expectProblem(await get('/offers?min_discount=101'), 400, ['/min_discount']);
    await expectProblem(await get('/offers?partner_id=x'), 400, ['/partner_id']);
    await expectProblem(await get('/offers?area_id=0'), 400, ['/area_id']);
  });

  test('active_at: validity window, is_active, and schedules in the establishment\'s local time across DST', async () => {
    const t = tag();
    const owner = await newOwner(suite.server.url);
    // Friday 17:00–20:00 and Saturday 23:00–02:00 (crosses midnight), Paris time.
    const happy = await newOffer(suite.server.url, owner, {
      title: t, valid_from: '2026-03-01T00:00:00.000Z', valid_until: '2026-12-31T00:00:00.000Z',
      schedule: [{ day: 5, start: '17:00', end: '20:00' }, { day: 6, start: '23:00', end: '02:00' }],
    });
    const off = await newOffer(suite.server.url, owner, { title: t, is_active: false });
    const at = async (iso: string) => ids(await search(`q=${t}&active_at=${encodeURIComponent(iso)}`));
    assert.deepEqual(await at('2026-03-27T16:30:00.000Z'), [happy.id], 'Friday 17:30 in Paris (UTC+1)');
    assert.deepEqual(await at('2026-03-27T19:30:00.000Z'), [], 'Friday 20:30: the window is over');
    assert.deepEqual(await at('2026-03-29T00:30:00.000Z'), [happy.id], 'Sunday 01:30 (UTC+1), inside Saturday\'s window');
    assert.deepEqual(await at('2026-03-29T01:30:00.000Z'), [], 'Sunday 03:30 (UTC+2: DST began at 02:00)');
    assert.deepEqual(await at('2026-04-03T15:30:00.000Z'), [happy.id], 'Friday 17:30 in summer time (UTC+2)');
    assert.deepEqual(await at('2026-04-03T16:30:00.000Z'), [happy.id]);
    assert.deepEqual(await at('2026-04-03T18:30:00.000Z'), [], 'Friday 20:30 summer time');
    assert.deepEqual(await at('2027-01-01T16:30:00.000Z'), [], 'after valid_until');
    assert.deepEqual(new Set(ids(await search(`q=${t}&active_at=any`))), new Set([happy.id, off.id]));
    await expectProblem(await get('/offers?active_at=tomorrow'), 400, ['/active_at']);
  });

  test('bad locations and cursors are 400 naming the parameter', async () => {
    await expectProblem(await get('/offers?lat=48.8'), 400, ['/lng', '/radius_m']);
    await expectProblem(await get('/offers?lat=48.8&lng=2.3&radius_m=100001'), 400, ['/radius_m']);
    await expectProblem(await get('/offers?lat=91&lng=2.3&radius_m=10'), 400, ['/lat']);
    await expectProblem(await get('/offers?lat=48.8&lng=2.3&radius_m=0'), 400, ['/radius_m']);
    await expectProblem(await get('/offers?after=xyz'), 400, ['/after']);
    await expectProblem(await get('/offers?limit=1001'), 400, ['/limit']);
    await expectProblem(await get('/offers?colour=red'), 400, ['/colour']);
    const nearCursor = Buffer.from(JSON.stringify({ id: 'x', d: 3 })).toString('base64url');
    await expectProblem(await get(`/offers?after=${nearCursor}`), 400, ['/after']);
  });

  test('a cursor stays correct while offers are created and deleted between pages', async () => {
    const t = tag();
    const owner = await newOwner(suite.server.url);
    const made: OfferJson[] = [];
    for (let i = 0; i < 6; i++) made.push(await newOffer(suite.server.url, owner, { title: `${t} n${i}` }));
    const first = await get(`/offers?q=${t}&limit=3`);
    assert.deepEqual(ids(await expectJson<OfferJson[]>(first, 200)), ids(made.slice(3).reverse()));
    const next = /<([^>]+)>/.exec(first.headers.get('link') ?? '')?.[1] ?? '';
    await del(`/offers/${made[1]?.id}`, owner.auth);
    await newOffer(suite.server.url, owner, { title: `${t} late` });
    const rest = await collectPages<OfferJson>(url(next));
    assert.deepEqual(ids(rest.items), [made[2]?.id, made[0]?.id], 'no repeat, no gap, the deleted one gone, the new one on an earlier page');
  });
});

describe('categories and favorites', () => {
  test('GET /categories: all eight with the count of offers active now', async () => {
    const before = await expectJson<{ category: string; active_offers: number }[]>(await get('/categories'), 200);
    assert.deepEqual(before.map((c) => c.category), ['BAR', 'RESTAURANT', 'CLUB', 'CINEMA', 'SPORT', 'LEISURE', 'EVENT', 'OTHER']);
    const owner = await newOwner(suite.server.url);
    const o = await newOffer(suite.server.url, owner, { category: 'LEISURE' });
    await newOffer(suite.server.url, owner, { category: 'LEISURE', valid_from: '2099-01-01T00:00:00.000Z', valid_until: '2099-02-01T00:00:00.000Z' });
    const count = async () => (await expectJson<{ category: string; active_offers: number }[]>(await get('/categories'), 200)).find((c) => c.category === 'LEISURE')?.active_offers;
    const leisure = before.find((c) => c.category === 'LEISURE')?.active_offers ?? 0;
    assert.equal(await count(), leisure + 1);
    await send('PATCH', `/offers/${o.id}`, { is_active: false }, owner.auth);
    assert.equal(await count(), leisure);
  });

  test('favorites: idempotent PUT, most recently added first, is_favorite per caller, export and erasure', async () => {
    const owner = await newOwner(suite.server.url);
    const [a, b, c] = [await newOffer(suite.server.url, owner), await newOffer(suite.server.url, owner), await newOffer(suite.server.url, owner)];
    const fan = await register(suite.server.url);
    const auth = bearer(fan.access_token);
    const put = (id: string) => fetch(url(`/me/favorites/${id}`), { method: 'PUT', headers: auth });
    for (const o of [a, b, c]) assert.equal((await put(o.id)).status, 204);
    assert.equal((await put(a.id)).status, 204, 'a repeated PUT is fine and does not move it');
    assert.deepEqual(ids(await expectJson<OfferJson[]>(await get('/me/favorites', auth), 200)), [c.id, b.id, a.id]);
    const paged = await (async () => {
      const out: string[] = [];
      for (let next: string | undefined = url('/me/favorites?limit=2'); next !== undefined;) {
        const res: Response = await fetch(next, { headers: auth });
        out.push(...ids(await expectJson<OfferJson[]>(res, 200)));
        next = /<([^>]+)>/.exec(res.headers.get('link') ?? '')?.[1];
        if (next !== undefined) next = url(next);
      }
      return out;
    })();
    assert.deepEqual(paged, [c.id, b.id, a.id]);
    assert.equal((await expectJson<OfferJson>(await get(`/offers/${a.id}`, auth), 200)).is_favorite, true);
    assert.equal((await expectJson<OfferJson>(await get(`/offers/${a.id}`), 200)).is_favorite, false);
    assert.equal((await expectJson<OfferJson>(await get(`/offers/${a.id}`, owner.auth), 200)).is_favorite, false);
    assert.equal((await del(`/me/favorites/${b.id}`, auth)).status, 204);
    assert.equal((await del(`/me/favorites/${b.id}`, auth)).status, 204, 'not a favorite: still 204');
    await expectProblem(await put('0190a5e0-0000-7000-8000-000000000000'), 404);
    await expectProblem(await fetch(url(`/me/favorites/${a.id}`), { method: 'PUT' }), 401);
    await expectProblem(await get('/me/favorites'), 401);
    await del(`/offers/${c.id}`, owner.auth);
    assert.deepEqual(ids(await expectJson<OfferJson[]>(await get('/me/favorites', auth), 200)), [a.id], 'a deleted offer leaves the favorites');
    const exported = await expectJson<{ favorites: { offer_id: string }[] }>(await get('/me/export', auth), 200);
    assert.deepEqual(exported.favorites.map((f) => f.offer_id), [a.id]);
    assert.equal((await del('/me', auth)).status, 204);
    const again = await register(suite.server.url, { ...fan.credentials });
    assert.deepEqual(await expectJson(await get('/me/favorites', bearer(again.access_token)), 200), []);
    assert.deepEqual((await expectJson<UserJson>(await get('/me', bearer(again.access_token)), 200)).memberships, []);
  });
});
