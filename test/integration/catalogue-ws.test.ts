/**
 * The catalogue over WebSocket (../shared/API.md, "WebSocket"): every write is a command listed in
 * the OpenAPI document's `x-commands`, and `offers.nearby:<lat>,<lng>,<radius_m>` delivers new active
 * offers only to sockets whose circle contains them.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { register } from '../helpers/auth.ts';
import { establishmentBody, newOffer, newOwner, offerBody, PARIS, type OfferJson } from '../helpers/catalogue.ts';
import { expectJson } from '../helpers/http.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { WsClient, type ReplyFrame } from '../helpers/ws-client.ts';

let server: TestServer;
before(async () => { server = await startServer(); });
after(async () => {
  assert.equal(await server.stop(), 0);
  await server.dispose();
});

const ok = (r: ReplyFrame): unknown => {
  assert.equal(r.ok, true, JSON.stringify(r));
  return (r as { result: unknown }).result;
};
const status = (r: ReplyFrame): number => {
  assert.equal(r.ok, false, JSON.stringify(r));
  return (r as { error: { status: number } }).error.status;
};
const nearby = (p: { lat: number; lng: number }, r: number) => `offers.nearby:${p.lat},${p.lng},${r}`;

describe('commands', () => {
  test('x-commands lists every client command with its args schema', async () => {
    const doc = await expectJson<{ 'x-commands': Record<string, { args: unknown; summary: string }> }>(await fetch(`${server.url}/openapi.json`), 200);
    for (const name of ['partners.create', 'partners.update', 'partners.delete', 'members.add', 'members.remove', 'establishments.create',
      'establishments.update', 'establishments.delete', 'offers.create', 'offers.update', 'offers.delete', 'favorites.add', 'favorites.remove', 'areas.create'])
      assert.ok(doc['x-commands'][name]?.args !== undefined, name);
    assert.equal(doc['x-commands']['users.register'], undefined, 'server-only commands are not listed');
    assert.equal(doc['x-commands']['users.set_role'], undefined);
  });

  for (const encoding of ['json', 'msgpack'] as const) {
    test(`${encoding}: a partner, its establishment, an offer and a favorite, all by commands`, async () => {
      const account = await register(server.url);
      const ws = await WsClient.connect(server.url, encoding);
      assert.equal(status(await ws.request({ id: 1, op: 'command', name: 'partners.create', args: { name: 'Le Club', category: 'CLUB' } })), 401);
      ok(await ws.request({ id: 2, op: 'auth', token: account.access_token }));
      const partner = ok(await ws.request({ id: 3, op: 'command', name: 'partners.create', args: { name: 'Le Club', category: 'CLUB' } })) as { id: string };
      const est = ok(await ws.request({ id: 4, op: 'command', name: 'establishments.create', args: { partner_id: partner.id, ...establishmentBody() } })) as { id: string };
      const offer = ok(await ws.request({ id: 5, op: 'command', name: 'offers.create', args: offerBody(est.id, { title: 'Nuit électro' }) })) as OfferJson;
      assert.deepEqual(offer, await expectJson(await fetch(`${server.url}/offers/${offer.id}`), 200));
      assert.equal(ok(await ws.request({ id: 6, op: 'command', name: 'favorites.add', args: { offer_id: offer.id } })), null);
      const mine = await expectJson<OfferJson>(await fetch(`${server.url}/offers/${offer.id}`, { headers: { authorization: `Bearer ${account.access_token}` } }), 200);
      assert.equal(mine.is_favorite, true);
      assert.equal(status(await ws.request({ id: 7, op: 'command', name: 'offers.create', args: { ...offerBody(est.id), discount: { kind: 'percentage', value: 500 } } })), 400);
      assert.equal(status(await ws.request({ id: 8, op: 'command', name: 'partners.delete', args: { id: partner.id } })), 409);
      ws.close();
    });
  }
});

describe('offers.nearby', () => {
  test('a new active offer reaches exactly the sockets whose circle contains it, as its anonymous GET shows it', async () => {
    const owner = await newOwner(server.url);
    const far = await newOwner(server.url, { location: { lat: 43.2965, lng: 5.3698 } });
    const [paris, paris2, marseille] = await Promise.all([WsClient.connect(server.url), WsClient.connect(server.url, 'msgpack'), WsClient.connect(server.url)]);
    ok(await paris.request({ id: 1, op: 'subscribe', topic: nearby(PARIS, 1000) }));
    ok(await paris2.request({ id: 1, op: 'subscribe', topic: nearby({ lat: 48.86, lng: 2.35 }, 100000) }));
    ok(await marseille.request({ id: 1, op: 'subscribe', topic: nearby({ lat: 43.2965, lng: 5.3698 }, 2000) }));
    const offer = await newOffer(server.url, owner, { title: 'Pour Paris' });
    const anonymous = await expectJson<OfferJson>(await fetch(`${server.url}/offers/${offer.id}`), 200);
    const e = await paris.event((f) => f.event === 'offer.created');
    assert.deepEqual(e, { topic: nearby(PARIS, 1000), event: 'offer.created', data: anonymous });
    assert.deepEqual((await paris2.event((f) => f.event === 'offer.created')).data, anonymous);
    await newOffer(server.url, owner, { title: 'Inactive', is_active: false });
    await newOffer(server.url, owner, { title: 'Plus tard', valid_from: '2099-01-01T00:00:00.000Z', valid_until: '2099-02-01T00:00:00.000Z' });
    const south = await newOffer(server.url, far, { title: 'Pour Marseille' });
    const m = await marseille.event((f) => f.event === 'offer.created');
    assert.equal((m.data as OfferJson).id, south.id, 'Marseille saw only its own offer, not the Paris one');
    const late = await newOffer(server.url, owner, { title: 'Encore Paris' });
    assert.equal(((await paris.event((f) => f.event === 'offer.created')).data as OfferJson).id, late.id, 'neither the inactive nor the future offer was delivered');
    ok(await paris.request({ id: 2, op: 'unsubscribe', topic: nearby(PARIS, 1000) }));
    const after = await newOffer(server.url, owner, { title: 'Après' });
    assert.equal(((await paris2.event((f) => f.event === 'offer.created')).data as OfferJson).id, late.id);
    assert.equal(((await paris2.event((f) => f.event === 'offer.created')).data as OfferJson).id, after.id);
    assert.equal(paris.inbox.length, 0, 'nothing after unsubscribe');
    for (const ws of [paris, paris2, marseille]) ws.close();
  });

  test('bad topics are 400, a socket holds at most 16 nearby subscriptions', async () => {
    const ws = await WsClient.connect(server.url);
    for (const topic of ['offers.nearby:48.8,2.3', 'offers.nearby:91,2.3,100', 'offers.nearby:48.8,2.3,100001', 'offers.nearby:48.8,2.3,0', 'offers.nearby:a,b,c'])
      assert.equal(status(await ws.request({ id: topic, op: 'subscribe', topic })), 400, topic);
    for (let i = 0; i < 16; i++) ok(await ws.request({ id: i, op: 'subscribe', topic: nearby(PARIS, 100 + i) }));
    ok(await ws.request({ id: 'again', op: 'subscribe', topic: nearby(PARIS, 100) }));
    assert.equal(status(await ws.request({ id: 16, op: 'subscribe', topic: nearby(PARIS, 500) })), 409);
    ok(await ws.request({ id: 17, op: 'unsubscribe', topic: nearby(PARIS, 100) }));
    ok(await ws.request({ id: 18, op: 'subscribe', topic: nearby(PARIS, 500) }));
    ws.close();
  });
});
