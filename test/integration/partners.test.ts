/**
 * Partners, their teams and establishments over HTTP (../shared/API.md, "Partners and establishments"):
 * rights come from team membership and are checked inside the command's write transaction.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { bearer, register, type UserJson } from '../helpers/auth.ts';
import { establishmentBody, newOffer, newOwner, type EstablishmentJson, type OfferJson, type PartnerJson } from '../helpers/catalogue.ts';
import { collectPages, expectJson, expectProblem, sendJson } from '../helpers/http.ts';
import { suiteServer } from '../helpers/suite.ts';

const suite = suiteServer();
const { url, get, send, del } = suite;
const makeAdmin = async (id: string) => expectJson(await sendJson(`${suite.server.adminUrl}/admin/users/${id}/role`, 'PUT', { role: 'admin' }), 200);
const addMember = (partnerId: string, email: string, role: string, auth: Record<string, string>) =>
  send('POST', `/partners/${partnerId}/members`, { email, role }, auth);

describe('partners', () => {
  test('POST /partners makes the caller its owner; GET /me lists the membership', async () => {
    const account = await register(suite.server.url);
    const res = await send('POST', '/partners', { name: 'Ciné Lumière', category: 'CINEMA', description: 'Art et essai', logo: 'https://img.example/l.png' }, bearer(account.access_token));
    const p = await expectJson<PartnerJson>(res, 201);
    assert.equal(res.headers.get('location'), `/partners/${p.id}`);
    assert.deepEqual({ ...p, id: '', created_at: '', updated_at: '' },
      { id: '', name: 'Ciné Lumière', category: 'CINEMA', description: 'Art et essai', logo: 'https://img.example/l.png', created_at: '', updated_at: '' });
    assert.deepEqual(await expectJson(await get(`/partners/${p.id}`), 200), p);
    const me = await expectJson<UserJson>(await get('/me', bearer(account.access_token)), 200);
    assert.deepEqual(me.memberships, [{ partner_id: p.id, partner_name: 'Ciné Lumière', role: 'owner' }]);
  });

  test('bad input is a 400 naming the field; anonymous is 401; unknown or malformed ids are 404 and 400', async () => {
    const auth = bearer((await register(suite.server.url)).access_token);
    await expectProblem(await send('POST', '/partners', { name: 'X', category: 'PUB' }), 401);
    await expectProblem(await send('POST', '/partners', { name: 'X', category: 'PUB' }, auth), 400, ['/category']);
    await expectProblem(await send('POST', '/partners', { name: '   ', category: 'BAR' }, auth), 400, ['/name']);
    await expectProblem(await send('POST', '/partners', { name: 'X', category: 'BAR', logo: 'javascript:alert(1)' }, auth), 400, ['/logo']);
    await expectProblem(await send('POST', '/partners', { name: 'X', category: 'BAR', owner: 'me' }, auth), 400, ['/owner']);
    await expectProblem(await send('POST', '/partners', { category: 'BAR', description: 'x'.repeat(5001) }, auth), 400, ['/name', '/description']);
    await expectProblem(await fetch(url('/partners'), { method: 'POST', headers: { ...auth, 'content-type': 'text/plain' }, body: '{}' }), 415);
    await expectProblem(await get('/partners/0190a5e0-0000-7000-8000-000000000000'), 404);
    await expectProblem(await get('/partners/nope'), 400, ['/id']);
    await expectProblem(await get('/partners?category=PUB'), 400, ['/category']);
    await expectProblem(await get('/partners?after=garbage'), 400, ['/after']);
  });

  test('GET /partners pages by id with Link rel="next" and filters by category', async () => {
    const auth = bearer((await register(suite.server.url)).access_token);
    const made: string[] = [];
    for (let i = 0; i < 5; i++) made.push((await expectJson<PartnerJson>(await send('POST', '/partners', { name: `Sport ${i}`, category: 'SPORT' }, auth), 201)).id);
    const { items, pages } = await collectPages<PartnerJson>(url('/partners?category=SPORT&limit=2'));
    assert.ok(pages >= 3);
    assert.deepEqual(items.map((p) => p.id).filter((id) => made.includes(id)), made);
    assert.ok(items.every((p) => p.category === 'SPORT'));
    const ids = items.map((p) => p.id);
    assert.deepEqual(ids, [...ids].sort(), 'in id order');
  });

  test('PATCH and DELETE: owner or admin only; a partner with active offers cannot be deleted', async () => {
    const owner = await newOwner(suite.server.url);
    const id = owner.partner.id;
    const stranger = await register(suite.server.url);
    await expectProblem(await send('PATCH', `/partners/${id}`, { name: 'Mine' }, bearer(stranger.access_token)), 403);
    const patched = await expectJson<PartnerJson>(await send('PATCH', `/partners/${id}`, { name: 'Café des Sports', logo: null, category: 'SPORT' }, owner.auth), 200);
    assert.deepEqual([patched.name, patched.logo, patched.category], ['Café des Sports', null, 'SPORT']);
    const manager = await register(suite.server.url);
    await expectJson(await addMember(id, manager.user.email, 'manager', owner.auth), 201);
    await expectProblem(await send('PATCH', `/partners/${id}`, { name: 'Managed' }, bearer(manager.access_token)), 403);
    await makeAdmin(stranger.user.id);
    await expectJson(await send('PATCH', `/partners/${id}`, { description: 'Revu par un admin' }, bearer(stranger.access_token)), 200);

    const offer = await newOffer(suite.server.url, owner);
    await expectProblem(await del(`/partners/${id}`, owner.auth), 409);
    await expectJson(await send('PATCH', `/offers/${offer.id}`, { is_active: false }, owner.auth), 200);
    await expectProblem(await del(`/partners/${id}`, bearer(manager.access_token)), 403);
    assert.equal((await del(`/partners/${id}`, owner.auth)).status, 204);
    await expectProblem(await get(`/partners/${id}`), 404);
    await expectProblem(await get(`/establishments/${owner.establishment.id}`), 404);
    assert.equal((await expectJson<OfferJson>(await get(`/offers/${offer.id}`), 200)).is_active, false, 'inactive offers stay readable');
    assert.deepEqual((await expectJson<UserJson>(await get('/me', owner.auth), 200)).memberships, []);
  });
});

describe('team', () => {
  test('owners add and remove members; members read the team; others may not', async () => {
    const owner = await newOwner(suite.server.url);
    const id = owner.partner.id;
    const staff = await register(suite.server.url);
    const res = await addMember(id, ` ${staff.user.email.toUpperCase()} `, 'staff', owner.auth);
    const member = await expectJson<Record<string, unknown>>(res, 201);
    assert.deepEqual(Object.keys(member).sort(), ['added_at', 'email', 'first_name', 'last_name', 'role', 'user_id']);
    assert.equal(member.user_id, staff.user.id);
    const team = await expectJson<{ user_id: string; role: string }[]>(await get(`/partners/${id}/members`, bearer(staff.access_token)), 200);
    assert.deepEqual(team.map((m) => [m.user_id, m.role]).sort(), [[owner.account.user.id, 'owner'], [staff.user.id, 'staff']].sort());
    const stranger = await register(suite.server.url);
    await expectProblem(await get(`/partners/${id}/members`, bearer(stranger.access_token)), 403);
    await expectProblem(await get(`/partners/${id}/members`), 401);
    await expectProblem(await addMember(id, stranger.user.email, 'staff', bearer(staff.access_token)), 403);
    await expectProblem(await addMember(id, staff.user.email, 'manager', owner.auth), 409);
    await expectProblem(await addMember(id, 'nobody@example.org', 'staff', owner.auth), 404);
    await expectProblem(await addMember(id, stranger.user.email, 'boss', owner.auth), 400, ['/role']);
    assert.deepEqual((await expectJson<UserJson>(await get('/me', bearer(staff.access_token)), 200)).memberships,
      [{ partner_id: id, partner_name: 'Café des Arts', role: 'staff' }]);
    assert.equal((await del(`/partners/${id}/members/${staff.user.id}`, owner.auth)).status, 204);
    await expectProblem(await del(`/partners/${id}/members/${staff.user.id}`, owner.auth), 404);
    await expectProblem(await get(`/partners/${id}/members`, bearer(staff.access_token)), 403);
  });

  test('the last owner cannot be removed nor erase the account until ownership is passed on', async () => {
    const owner = await newOwner(suite.server.url);
    const id = owner.partner.id;
    const me = owner.account.user.id;
    await expectProblem(await del(`/partners/${id}/members/${me}`, owner.auth), 409);
    const p = await expectProblem(await del('/me', owner.auth), 409);
    assert.equal(p.type, 'https://sortie.dev/problems/last-owner');
    const heir = await register(suite.server.url);
    await expectJson(await addMember(id, heir.user.email, 'owner', owner.auth), 201);
    assert.equal((await del('/me', owner.auth)).status, 204);
    const team = await expectJson<{ user_id: string }[]>(await get(`/partners/${id}/members`, bearer(heir.access_token)), 200);
    assert.deepEqual(team.map((m) => m.user_id), [heir.user.id], 'the erased account left the team');
  });

  test('race: a member removed while its offer creations are in flight leaves no write it was not allowed', async () => {
    const owner = await newOwner(suite.server.url);
    const manager = await register(suite.server.url);
    await expectJson(await addMember(owner.partner.id, manager.user.email, 'manager', owner.auth), 201);
    const body = (i: number) => ({ establishment_id: owner.establishment.id, title: `Course ${i}`, category: 'BAR', discount: { kind: 'fixed', value: 5 },
      valid_from: '2026-01-01T00:00:00.000Z', valid_until: '2030-01-01T00:00:00.000Z' });
    const creates = Array.from({ length: 40 }, (_, i) => send('POST', '/offers', body(i), bearer(manager.access_token)));
    const removal = del(`/partners/${owner.partner.id}/members/${manager.user.id}`, owner.auth);
    const statuses = await Promise.all(creates.map(async (r) => (await r).status));
    assert.equal((await removal).status, 204);
    assert.ok(statuses.every((s) => s === 201 || s === 403), statuses.join());
    const stored = await expectJson<OfferJson[]>(await get(`/offers?partner_id=${owner.partner.id}&active_at=any&limit=1000`), 200);
    assert.equal(stored.length, statuses.filter((s) => s === 201).length, 'every 201 is stored, no 403 left anything');
    await expectProblem(await send('POST', '/offers', body(99), bearer(manager.access_token)), 403);
  });
});

describe('establishments', () => {
  test('the timezone comes from the location unless given; a bad zone or area is a 400', async () => {
    const owner = await newOwner(suite.server.url);
    assert.equal(owner.establishment.timezone, 'Europe/Paris');
    const post = (body: unknown) => send('POST', `/partners/${owner.partner.id}/establishments`, body, owner.auth);
    const ny = await expectJson<EstablishmentJson>(await post(establishmentBody({ location: { lat: 40.7128, lng: -74.006 } })), 201);
    assert.equal(ny.timezone, 'America/New_York');
    const given = await expectJson<EstablishmentJson>(await post(establishmentBody({ timezone: 'Asia/Tokyo' })), 201);
    assert.equal(given.timezone, 'Asia/Tokyo');
    await expectProblem(await post(establishmentBody({ timezone: 'Mars/Olympus' })), 400, ['/timezone']);
    await expectProblem(await post(establishmentBody({ area_id: 987654 })), 400, ['/area_id']);
    await expectProblem(await post(establishmentBody({ location: { lat: 91, lng: 0 } })), 400, ['/location/lat']);
    await expectProblem(await post({ ...establishmentBody(), address: { city: 'Paris' } }), 400, ['/address/street']);
    await expectProblem(await post(establishmentBody({ opening_hours: [{ day: 7, open: '25:00', close: '02:00' }] })), 400, ['/opening_hours/0/day', '/opening_hours/0/open']);
    const area = await expectJson<{ id: number }>(await send('POST', '/areas', { name: 'Paris', type: 'city' }), 201);
    const inArea = await expectJson<EstablishmentJson>(await post(establishmentBody({ area_id: area.id, opening_hours: [{ day: 5, open: '18:00', close: '02:00' }] })), 201);
    assert.equal(inArea.area_id, area.id);
    const { items } = await collectPages<EstablishmentJson>(url(`/partners/${owner.partner.id}/establishments?limit=2`));
    assert.deepEqual(items.map((e) => e.id), [owner.establishment.id, ny.id, given.id, inArea.id]);
  });

  test('staff may not manage establishments; managers may', async () => {
    const owner = await newOwner(suite.server.url);
    const staff = await register(suite.server.url);
    const manager = await register(suite.server.url);
    await expectJson(await addMember(owner.partner.id, staff.user.email, 'staff', owner.auth), 201);
    await expectJson(await addMember(owner.partner.id, manager.user.email, 'manager', owner.auth), 201);
    const path = `/partners/${owner.partner.id}/establishments`;
    await expectProblem(await send('POST', path, establishmentBody(), bearer(staff.access_token)), 403);
    await expectJson(await send('POST', path, establishmentBody(), bearer(manager.access_token)), 201);
    await expectProblem(await send('PATCH', `/establishments/${owner.establishment.id}`, { name: 'X' }, bearer(staff.access_token)), 403);
  });

  test('PATCH moves its offers at once (new zone, new place in search); DELETE deactivates them', async () => {
    const owner = await newOwner(suite.server.url);
    const offer = await newOffer(suite.server.url, owner, { title: 'Déménagement', schedule: [] });
    const lyon = { lat: 45.764, lng: 4.8357 };
    const moved = await expectJson<EstablishmentJson>(await send('PATCH', `/establishments/${owner.establishment.id}`, { location: lyon, name: 'Le Comptoir Lyon' }, owner.auth), 200);
    assert.equal(moved.timezone, 'Europe/Paris');
    const tokyo = await expectJson<EstablishmentJson>(await send('PATCH', `/establishments/${owner.establishment.id}`, { location: { lat: 35.68, lng: 139.76 } }, owner.auth), 200);
    assert.equal(tokyo.timezone, 'Asia/Tokyo', 'a new location without a timezone derives it again');
    await send('PATCH', `/establishments/${owner.establishment.id}`, { location: lyon }, owner.auth);
    const read = await expectJson<OfferJson>(await get(`/offers/${offer.id}`), 200);
    assert.deepEqual([read.establishment.name, read.establishment.location], ['Le Comptoir Lyon', lyon]);
    const near = await expectJson<OfferJson[]>(await get(`/offers?lat=${lyon.lat}&lng=${lyon.lng}&radius_m=500&q=demenagement`), 200);
    assert.deepEqual(near.map((o) => o.id), [offer.id]);
    assert.deepEqual(await expectJson(await get(`/offers?lat=48.8566&lng=2.3522&radius_m=5000&q=demenagement`), 200), []);

    assert.equal((await del(`/establishments/${owner.establishment.id}`, owner.auth)).status, 204);
    await expectProblem(await get(`/establishments/${owner.establishment.id}`), 404);
    const after = await expectJson<OfferJson>(await get(`/offers/${offer.id}`), 200);
    assert.equal(after.is_active, false);
    await expectProblem(await send('PATCH', `/offers/${offer.id}`, { is_active: true }, owner.auth), 409);
    assert.deepEqual(await expectJson(await get(`/offers?q=demenagement`), 200), [], 'inactive: not active now');
    assert.equal((await expectJson<OfferJson[]>(await get(`/offers?q=demenagement&active_at=any`), 200)).length, 1);
  });
});
