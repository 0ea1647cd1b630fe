import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { centreOf, demoCities } from '../../src/cli/demo/places.ts';
import { Random } from '../../src/cli/demo/random.ts';
import type { OfferFiles } from './wrk-offers.ts';

/**
 * Set-up of the offer scenarios of `bench:load` against a server holding the demo catalogue
 * (`seed:demo`): the request files the wrk scripts read (bench/lib/wrk-offers.ts) and the bench's
 * accounts, registered through the API.
 */

/** Words of the demo texts (src/cli/demo/words.json) carried by offers without a schedule, so they hit at any hour. */
export const HIT_WORDS = ['cafe', 'crepes', 'pizza', 'cocktail', 'pass', 'concert', 'massage', 'atelier'];
/** Search radius and page size of the nearby rows (issue 7). */
const RADIUS_M = 2000;
const LIMIT = 20;
/** Seed of the centres drawn: the same centres in every run. */
const CENTRES_SEED = 20_261_202;
/** City centres drawn for the nearby rows, and seeded offers read for the by-id and favorite rows. */
const CENTRES = 1000;
const MAX_IDS = 20_000;

/** The bench's accounts and what the wrk scripts need. */
export interface OfferBench {
  files: OfferFiles;
  /** How many offer ids were read for the by-id and favorite rows. */
  ids: number;
  /** Writes fresh access tokens into `files.tokens` (they live 15 min): call before each authenticated run. */
  refreshTokens(): Promise<void>;
}

/** What `POST /auth/register`, `/auth/login` and `/auth/refresh` answer (the fields the benches use). */
export interface TokenPair { access_token: string; refresh_token: string; user: { id: string } }

/**
 * `count` paths `GET /offers?lat=…&lng=…&radius_m=2000&limit=20` around city centres drawn ∝ population
 * among DEMO_COUNTRIES (where seed:demo put its partners) with `rng`: by default the same ones in every run.
 */
export function nearbyPaths(count: number, rng = new Random(CENTRES_SEED)): string[] {
  const cities = demoCities();
  return Array.from({ length: count }, () => {
    const { lat, lng } = centreOf(cities.pick(rng));
    return `/offers?lat=${lat}&lng=${lng}&radius_m=${RADIUS_M}&limit=${LIMIT}`;
  });
}

/**
 * Sends `body` as JSON to `base + path` (POST unless `method` says otherwise), with `token` as Bearer.
 * @returns the parsed answer (undefined for 204). @throws Error on any other status than `status`.
 */
export async function post<T>(base: string, path: string, body: unknown, status: number, token?: string, method = 'POST'): Promise<T> {
  const res = await fetch(base + path, {
    method, body: JSON.stringify(body),
    headers: { 'Content-Type': 'application/json', ...(token === undefined ? {} : { Authorization: `Bearer ${token}` }) },
  });
  if (res.status !== status) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (res.status === 204 ? undefined : await res.json()) as T;
}

/** Up to MAX_IDS ids of seeded offers (active or not), following `Link: rel="next"`. @throws Error when there are none. */
async function offerIds(base: string): Promise<string[]> {
  const ids: string[] = [];
  let path: string | undefined = '/offers?active_at=any&limit=1000';
  while (path !== undefined && ids.length < MAX_IDS) {
    const res: Response = await fetch(base + path);
    if (res.status !== 200) throw new Error(`GET ${path}: ${res.status}`);
    for (const o of (await res.json()) as { id: string }[]) ids.push(o.id);
    path = /<([^>]+)>; rel="next"/.exec(res.headers.get('link') ?? '')?.[1];
  }
  if (ids.length === 0) throw new Error('no offer in the data dir: run `npm run seed:demo` on it first');
  return ids;
}

/**
 * Registers `users` accounts (`bench-<runId>-<n>@sortie.dev`), makes the first one the owner of a
 * partner with one establishment (far out at sea, so the offers POSTed there stay out of the nearby
 * rows), reads seeded offer ids, draws CENTRES city centres ∝ population among DEMO_COUNTRIES (where
 * seed:demo put its partners) and writes every file into `dir`.
 * @throws Error when the server refuses a step or holds no offer.
 */
export async function prepareOffers(base: string, dir: string, runId: string, users = 8): Promise<OfferBench> {
  const pairs = await Promise.all(Array.from({ length: users }, (_, n) => post<TokenPair>(base, '/auth/register',
    { email: `bench-${runId}-${n}@sortie.dev`, password: `bench-${runId}-password`, first_name: 'Bench', last_name: `User ${n}` }, 201)));
  const owner = (pairs[0] as TokenPair).access_token;
  const partner = await post<{ id: string }>(base, '/partners', { name: `Bench ${runId}`, category: 'BAR' }, 201, owner);
  const establishment = await post<{ id: string }>(base, `/partners/${partner.id}/establishments`, {
    name: `Bench ${runId}`, location: { lat: 0.5, lng: -30 },
    address: { street: '1 Bench Road', city: 'Benchville', postal_code: '00000', country: 'FR' },
  }, 201, owner);

  const ids = await offerIds(base);
  const rng = new Random(CENTRES_SEED);
  const near = nearbyPaths(CENTRES, rng);
  const word = () => rng.pick(HIT_WORDS);
  const files: OfferFiles = {
    nearby: join(dir, 'offers-nearby.txt'), text: join(dir, 'offers-text.txt'), nearbyText: join(dir, 'offers-nearby-text.txt'),
    byId: join(dir, 'offers-by-id.txt'), ids: join(dir, 'offer-ids.txt'), tokens: join(dir, 'tokens.txt'), establishment: join(dir, 'establishment.txt'),
  };
  const write = (file: string, lines: string[]) => writeFileSync(file, `${lines.join('\n')}\n`);
  write(files.nearby, near);
  write(files.text, HIT_WORDS.map((w) => `/offers?q=${w}&limit=${LIMIT}`));
  write(files.nearbyText, near.map((p) => `${p}&q=${word()}`));
  write(files.byId, ids.map((id) => `/offers/${id}`));
  write(files.ids, ids);
  write(files.establishment, [establishment.id]);
  let refresh = pairs.map((p) => p.refresh_token);
  write(files.tokens, pairs.map((p) => p.access_token));
  return {
    files,
    ids: ids.length,
    async refreshTokens() {
      const fresh = await Promise.all(refresh.map((t) => post<TokenPair>(base, '/auth/refresh', { refresh_token: t }, 200)));
      refresh = fresh.map((p) => p.refresh_token);
      write(files.tokens, fresh.map((p) => p.access_token));
    },
  };
}
