import pLimit from 'p-limit';
import { nearbyPaths, post, type TokenPair } from '../lib/offers.ts';
import type { JourneyPlan } from './plan.ts';

/**
 * Set-up of `npm run bench:journey` through the public API (and one operator act on the admin
 * listener), before anything is timed: the virtual users' and staff accounts, staff memberships in
 * every partner, and the bench's own offers for the booking-throughput phases.
 */

/** Registrations sent at once: the server hashes 2 passwords at a time and queues 256 (503 beyond). */
const REGISTER_CONCURRENCY = 8;
/** Other set-up writes in flight. */
const WRITE_CONCURRENCY = 64;
/** City centres the journeys search around. */
const CENTRES = 1000;
/** Quota of each bench offer: the contract's maximum, no per-user limit. */
const QUOTA_TOTAL = 1_000_000;
const DAY_MS = 86_400_000;

/** What to prepare. */
export interface PrepareOptions {
  /** Public and admin listeners, `http://127.0.0.1:<port>`. */
  base: string;
  adminBase: string;
  /** Makes emails and names unique to this run (a reused DATA_DIR keeps earlier runs' accounts). */
  runId: string;
  users: number;
  staff: number;
  /** Offers of the `spread` phase. */
  spreadOffers: number;
}

/** The plan's prepared part, and what it took. */
export interface Prepared {
  plan: Pick<JourneyPlan, 'users' | 'staff' | 'searches' | 'hotOffer' | 'spreadOffers'>;
  /** Partners the staff accounts were added to. */
  partners: number;
  seconds: number;
}

/** Ids of every partner in the store, following `Link: rel="next"`. */
async function partnerIds(base: string): Promise<string[]> {
  const ids: string[] = [];
  let path: string | undefined = '/partners?limit=1000';
  while (path !== undefined) {
    const res: Response = await fetch(base + path);
    if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
    for (const p of (await res.json()) as { id: string }[]) ids.push(p.id);
    path = /<([^>]+)>; rel="next"/.exec(res.headers.get('link') ?? '')?.[1];
  }
  return ids;
}

/**
 * Registers `users` virtual users and `staff` staff accounts (`journey-<runId>-u<n>@sortie.dev`,
 * `…-s<n>@…`) and one operator, whom the admin listener makes `admin`; the operator adds every staff
 * account as `staff` to every partner of the store (the demo owner's password is thrown away by
 * seed:demo, so nobody can log in as the catalogue's owner), then creates a partner of its own with one
 * establishment out at sea (out of every nearby search) and `1 + spreadOffers` offers valid from
 * yesterday for 30 days, each with a quota of 1,000,000 and no per-user limit: the hot offer and the
 * spread ones.
 * @throws Error naming the request when the server refuses a step.
 */
export async function prepareJourney(o: PrepareOptions): Promise<Prepared> {
  const t0 = performance.now();
  const register = pLimit(REGISTER_CONCURRENCY);
  const write = pLimit(WRITE_CONCURRENCY);
  const account = (name: string) => register(() => post<TokenPair>(o.base, '/auth/register',
    { email: `journey-${o.runId}-${name}@sortie.dev`, password: `journey-${o.runId}-password`, first_name: 'Journey', last_name: `User ${name}` }, 201));
  const [operator, staff, users] = await Promise.all([
    account('operator'),
    Promise.all(Array.from({ length: o.staff }, (_, n) => account(`s${n}`))),
    Promise.all(Array.from({ length: o.users }, (_, n) => account(`u${n}`))),
  ]);
  await post(o.adminBase, `/admin/users/${operator.user.id}/role`, { role: 'admin' }, 200, undefined, 'PUT');
  const admin = operator.access_token;

  const partner = await post<{ id: string }>(o.base, '/partners', { name: `Journey ${o.runId}`, category: 'BAR' }, 201, admin);
  const establishment = await post<{ id: string }>(o.base, `/partners/${partner.id}/establishments`, {
    name: `Journey ${o.runId}`, location: { lat: -0.5, lng: -30 },
    address: { street: '1 Bench Road', city: 'Benchville', postal_code: '00000', country: 'FR' },
  }, 201, admin);
  const now = Date.now();
  const offerIds = await Promise.all(Array.from({ length: 1 + o.spreadOffers }, (_, n) => write(() => post<{ id: string }>(o.base, '/offers', {
    establishment_id: establishment.id, title: `Journey ${o.runId} ${n === 0 ? 'hot' : `spread ${n}`}`, category: 'BAR',
    discount: { kind: 'percentage', value: 20 }, quota: { total: QUOTA_TOTAL },
    valid_from: new Date(now - DAY_MS).toISOString(), valid_until: new Date(now + 30 * DAY_MS).toISOString(),
  }, 201, admin).then((offer) => offer.id))));

  const partners = await partnerIds(o.base);
  await Promise.all(partners.flatMap((id) => staff.map((_, n) => write(() =>
    post(o.base, `/partners/${id}/members`, { email: `journey-${o.runId}-s${n}@sortie.dev`, role: 'staff' }, 201, admin)))));

  const [hotOffer, ...spreadOffers] = offerIds as [string, ...string[]];
  return {
    plan: { users, staff, searches: nearbyPaths(CENTRES), hotOffer, spreadOffers },
    partners: partners.length,
    seconds: (performance.now() - t0) / 1000,
  };
}
