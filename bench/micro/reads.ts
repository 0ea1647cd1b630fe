import type { Area } from '../../src/core/schemas/areas.ts';
import { AreaReads } from '../../src/http/reads/areas.ts';
import type { Gate } from '../../src/http/auth/gate.ts';
import type { CommandBus } from '../../src/workers/command-bus.ts';
import type { Fixture } from './fixture.ts';
import { benchMetrics, FrontPath } from './front-path.ts';
import { batched, type MicroTask } from './harness.ts';

/** Throws unless the front path answered 200 with `body`: the benchmark must measure the success path. */
function check(front: FrontPath, body: Uint8Array | undefined, what: string): void {
  const got = Buffer.from(front.written.body);
  if (front.written.status !== '200 OK' || body === undefined || !got.equals(body))
    throw new Error(`${what}: got ${front.written.status} ${got.toString().slice(0, 120)}`);
}

/** Read-side settings, as in the server's Config. */
export interface ReadSettings {
  cacheMax: number;
  pageCacheBytes: number;
  /** The public front's Gate (`startAuth`), configured so that the bench never reaches its limit. */
  gate: Gate;
}

/**
 * LMDB reads, the item and page caches of AreaReads (src/http/reads/areas.ts), and the front-thread
 * path of `GET /areas/{id}` and `GET /areas` through the real Router (see FrontPath). The main
 * `reads` holds every seeded area, like a warm server with the default CACHE_MAX.
 */
export function readTasks(fx: Fixture, bus: CommandBus, s: ReadSettings): MicroTask[] {
  const { store } = fx;
  const warm = (r: AreaReads) => { for (let id = 1; id <= fx.count; id++) r.get(id); return r; };
  const reads = warm(new AreaReads(store, s.cacheMax, s.pageCacheBytes));
  // A page budget of 1 byte stores no page (PAGE_CACHE_BYTES=0 throws in lru-cache).
  const noPages = warm(new AreaReads(store, s.cacheMax, 1));
  const cold = new AreaReads(store, 1, 1);
  const updated = { topic: 'areas', event: 'area.updated', data: store.areas.get(1) as Area };
  const randomAfter = () => Math.min(fx.randomId(), fx.count - 100);
  const afters = Array.from({ length: 64 }, randomAfter);
  let a = 0;
  const cachedAfter = () => afters[a++ & 63] as number;

  const bare = new FrontPath(bus, reads, {});
  const measured = new FrontPath(bus, reads, { metrics: benchMetrics(store, reads) });
  const prod = new FrontPath(bus, reads, { metrics: benchMetrics(store, reads), gate: s.gate });
  const getOne = (path: FrontPath) => {
    const id = String(fx.randomId());
    path.get('/areas/:id', `/areas/${id}`, '', [id]);
  };
  const list = (path: FrontPath) => path.get('/areas', '/areas', `limit=100&after=${cachedAfter()}`, []);

  for (const path of [bare, measured, prod]) {
    path.get('/areas/:id', '/areas/42', '', ['42']);
    check(path, reads.get(42), 'GET /areas/42');
  }
  prod.get('/areas', '/areas', 'limit=100&after=500', []);
  check(prod, reads.page(500, 100).body, 'GET /areas?limit=100&after=500');
  for (const after of afters) reads.page(after, 100);

  return [
    batched('LMDB areas.get(random id) (+ msgpack decode)', 10, () => store.areas.get(fx.randomId())),
    batched('AreaReads.get hit (item LRU)', 100, () => reads.get(fx.randomId())),
    batched('AreaReads.get miss (LMDB get + JSON.stringify + Buffer + LRU set/evict)', 10, () => cold.get(fx.randomId())),
    batched('AreaReads.apply(area.updated) (invalidate item + page version)', 100, () => noPages.apply(updated)),
    batched('page 100: AreaReads.page, page-cache hit', 100, () => reads.page(cachedAfter(), 100)),
    batched('page 100: AreaReads.page, page-cache miss (index + 100 cached items)', 1, () => noPages.page(randomAfter(), 100)),
    batched('page 100: LMDB getRange + JSON.stringify (no cache)', 1, () => {
      const start = randomAfter() + 1;
      return JSON.stringify([...store.areas.getRange({ start, limit: 100 })].map((e) => e.value));
    }),
    batched('front GET /areas/{id} hit: metrics off, no gate', 100, () => getOne(bare)),
    batched('front GET /areas/{id} hit: metrics on, no gate', 100, () => getOne(measured)),
    batched('front GET /areas/{id} hit: metrics on, gate + rate limit (defaults)', 100, () => getOne(prod)),
    batched('front GET /areas?limit=100&after=… page hit (defaults)', 100, () => list(prod)),
    batched('front GET /areas/{id} unknown → 404 problem', 100, () => bare.get('/areas/:id', '/areas/99999999', '', ['99999999'])),
  ];
}
