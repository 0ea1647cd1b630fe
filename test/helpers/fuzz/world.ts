/**
 * The small world a fuzz run starts from, made through the public API (and the admin listener for the
 * admin role): a user who booked, an admin, a partner owner with an establishment and two offers (one
 * needing approval, with a quota), an area, two bookings (CONFIRMED and PENDING). Its values fill the
 * pools that WorldRefs of generated cases point into.
 */
import { bearer, register } from '../auth.ts';
import { newOffer, newOwner } from '../catalogue.ts';
import { expectJson, sendJson } from '../http.ts';
import type { TestServer } from '../server.ts';
import type { Lookup, PoolName, WorldRef } from './symbols.ts';

/** A seeded world: every pool, and the access tokens by who holds them. */
export interface World {
  pools: Record<PoolName, readonly (string | number)[]>;
  tokens: { user: string; owner: string; admin: string };
  /** The value a WorldRef points at (undefined when its pool is empty). */
  lookup: Lookup;
}

/** Seeds a fresh world on `server` (new accounts each time: an earlier world may have been erased). */
export async function seedWorld(server: TestServer): Promise<World> {
  const url = server.url;
  // Independent writes go in parallel: a fuzzed write that erases part of the world means a re-seed.
  const [user, admin, owner, area] = await Promise.all([register(url), register(url), newOwner(url),
    sendJson(`${url}/areas`, 'POST', { name: 'Paris', type: 'city' }).then((r) => expectJson<{ id: number }>(r, 201))]);
  const [open, gated] = await Promise.all([newOffer(url, owner), newOffer(url, owner, { requires_approval: true, quota: { total: 50, per_user: 5 } }),
    sendJson(`${server.adminUrl}/admin/users/${admin.user.id}/role`, 'PUT', { role: 'admin' }).then((r) => expectJson(r, 200))]);
  const book = async (offerId: string) =>
    expectJson<{ id: string; qr_code: string }>(await sendJson(`${url}/bookings`, 'POST', { offer_id: offerId }, bearer(user.access_token)), 201);
  const bookings = await Promise.all([book(open.id), book(gated.id)]);
  const pools: World['pools'] = {
    areas: [area.id], partners: [owner.partner.id], establishments: [owner.establishment.id], offers: [open.id, gated.id],
    bookings: bookings.map((b) => b.id), users: [user.user.id, owner.account.user.id, admin.user.id],
    emails: [user.user.email, owner.account.user.email, admin.user.email], passwords: [user.credentials.password],
    qr_codes: bookings.map((b) => b.qr_code), refresh_tokens: [user.refresh_token, owner.account.refresh_token],
    access_tokens: [user.access_token, owner.account.access_token, admin.access_token],
  };
  return {
    pools, tokens: { user: user.access_token, owner: owner.account.access_token, admin: admin.access_token },
    lookup: (ref: WorldRef) => { const p = pools[ref.pool]; return p.length === 0 ? undefined : p[ref.index % p.length]; },
  };
}

/**
 * True while the world still reaches deep: its three accounts, its catalogue (offers active) and
 * its bookings are all there. A successful fuzzed write may have erased or deactivated some.
 */
export async function isIntact(url: string, w: World): Promise<boolean> {
  const ok = async (path: string, token?: string, check?: (body: Record<string, unknown>) => boolean) => {
    const res = await fetch(`${url}${path}`, { headers: token === undefined ? {} : bearer(token) });
    const body = await res.json() as Record<string, unknown>;
    return res.status === 200 && (check === undefined || check(body));
  };
  const checks = [
    ...Object.values(w.tokens).map((t) => ok('/me', t)),
    ...w.pools.offers.map((id) => ok(`/offers/${id}`, undefined, (o) => o.is_active === true)),
    ...w.pools.bookings.map((id) => ok(`/bookings/${id}`, w.tokens.user)),
    ...w.pools.areas.map((id) => ok(`/areas/${id}`)),
  ];
  return (await Promise.all(checks)).every(Boolean);
}
