/**
 * `npm run bench:micro [-- <filter>]`: tinybench micro-benchmarks of sortie's hot paths, on the
 * real modules of src/ and a temp DATA_DIR seeded with 20,000 real cities.
 * Prints one markdown table (ops/s, mean and p99 in µs); `<filter>` keeps the tasks whose name
 * contains it. Takes about a minute on 2 cores. Results: bench/RESULTS.md, "Micro-benchmarks".
 */
import { availableParallelism, cpus, loadavg } from 'node:os';
import type { Area } from '../src/core/schemas/areas.ts';
import { loadConfig } from '../src/config.ts';
import { startAuth } from '../src/http/auth/setup.ts';
import { createLogger } from '../src/log.ts';
import { CommandBus } from '../src/workers/command-bus.ts';
import { Partitions } from '../src/workers/partitions.ts';
import { bookingTasks } from './micro/bookings.ts';
import { codecTasks, coreTasks } from './micro/core.ts';
import { readTasks } from './micro/reads.ts';
import { searchTasks } from './micro/search.ts';
import { areasFrom, seedFixture, toCreate } from './micro/fixture.ts';
import { rowLine, runTasks, TABLE_HEADER } from './micro/harness.ts';
import { echoPool, threadTasks } from './micro/threads.ts';
import { writeTasks } from './micro/writes.ts';

const SEED = 20_000;
/** Offers written for the search rows (around the seeded cities). */
const OFFERS = 20_000;
const TIME_MS = 700;
const WARMUP_MS = 150;
const filter = process.argv[2] ?? '';
/** 1-minute load average: above ~0.5 other processes shared the 2 cores during the run. */
const loadAverage = () => (loadavg()[0] ?? 0).toFixed(2);

const t0 = performance.now();
const fx = await seedFixture(SEED);
const seedMs = performance.now() - t0;
// The server's defaults, except: an anonymous limit the bench never reaches, and cheap test-grade scrypt for startAuth.
const config = loadConfig({ DATA_DIR: fx.dataDir, RATE_LIMIT_ANON: String(1e9), SCRYPT_COST_LOG2: '10' });
const partitions = new Partitions({
  count: config.PARTITIONS, dataDir: fx.dataDir, concurrency: config.ACTOR_CONCURRENCY, maxQueue: config.ACTOR_MAX_QUEUE, sweepEveryMs: 0, sweepBatch: config.SWEEP_BATCH,
});
await partitions.start();
const bus = new CommandBus(partitions);
const pool = echoPool(fx.dataDir);
try {
  const { gate } = await startAuth(config, fx.store, bus, createLogger('silent'));
  const area = fx.store.areas.get(1) as Area;
  const page = areasFrom(fx.store, 1, 100);
  const create = toCreate(area);
  const search = await searchTasks(fx, OFFERS);
  const bookings = await bookingTasks(fx.store, bus);

  const tasks = [
    ...coreTasks(create),
    ...codecTasks(area, page),
    ...readTasks(fx, bus, { cacheMax: config.CACHE_MAX, pageCacheBytes: config.PAGE_CACHE_BYTES, gate }),
    ...threadTasks(pool, fx, create),
    ...writeTasks(fx.store, bus, area, create),
    ...bookings,
    ...search.tasks,
  ].filter((t) => t.name.includes(filter));

  console.log(`sortie micro-benchmarks: Node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'} × ${availableParallelism()}, `
    + `${fx.count} areas seeded in ${(seedMs / 1000).toFixed(1)} s (real areas.create handler, straight into LMDB), `
    + `${partitions.pools.length} partitions, tinybench ${TIME_MS} ms/task after ${WARMUP_MS} ms warm-up, load average ${loadAverage()}; ${search.note}\n`);
  console.log(TABLE_HEADER);
  const started = performance.now();
  await runTasks(tasks, TIME_MS, WARMUP_MS, (row) => console.log(rowLine(row)));
  console.log(`\n${tasks.length} tasks in ${((performance.now() - started) / 1000).toFixed(0)} s (load average now ${loadAverage()}). ops/s = 1 / mean; `
    + 'with ops/sample > 1, each sample is the mean of that many operations (back to back, or in flight together).');
} finally {
  await Promise.all([pool.close(), partitions.close()]);
  await fx.store.env.close();
  fx.remove();
}
