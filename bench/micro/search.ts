import { cellToLatLng, getHexagonEdgeLengthAvg, gridDisk, latLngToCell, UNITS } from 'h3-js';
import ngeohash from 'ngeohash';
import type { Area } from '../../src/core/schemas/areas.ts';
import { CATEGORIES } from '../../src/core/schemas/common.ts';
import { coverCircle, distanceM } from '../../src/core/search/geo.ts';
import { parseQuery, type TextQuery } from '../../src/core/search/text.ts';
import { OfferReads } from '../../src/http/reads/offers.ts';
import type { OfferSearch } from '../../src/store/offer-search.ts';
import type { Store } from '../../src/store/store.ts';
import { createEstablishment } from '../../src/workers/handlers/establishments.ts';
import { createOffer } from '../../src/workers/handlers/offers.ts';
import { createPartner } from '../../src/workers/handlers/partners.ts';
import { v7 as uuidv7 } from 'uuid';
import { BOOKING_DEFAULTS } from '../../src/core/schemas/bookings.ts';
import type { Fixture } from './fixture.ts';
import { batched, type MicroTask } from './harness.ts';

const OWNER = '01900000-0000-7000-8000-0000000000be';
const WORDS = ['café', 'happy', 'hour', 'bière', 'concert', 'cinéma', 'brunch', 'pizza', 'soirée', 'théâtre', 'jazz', 'karaoké'];
const RADIUS_M = 2000;

/**
 * Writes `count` offers with the real handlers, straight into the store: one partner, one
 * establishment per offer within 3 km of a city drawn with probability ∝ population (the first
 * 20,000 cities of the fixture), titles of 3 words from WORDS.
 * @returns the city centres used, for queries.
 */
async function seedOffers(fx: Fixture, count: number): Promise<{ centres: { lat: number; lng: number }[] }> {
  const store: Store = fx.store;
  const cities = [...store.areas.getRange({})].map((e) => e.value as Area).filter((a) => a.location !== undefined);
  const cumulative: number[] = [];
  let total = 0;
  for (const c of cities) cumulative.push((total += Math.max(1, c.population ?? 1)));
  const pick = () => {
    const x = Math.random() * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) { const mid = (lo + hi) >> 1; if ((cumulative[mid] as number) < x) lo = mid + 1; else hi = mid; }
    return cities[lo] as Area;
  };
  const now = Date.now();
  const partnerId = uuidv7();
  await store.env.transaction(() => {
    store.users.put(OWNER, { id: OWNER, email: 'bench@sortie.dev', first_name: 'Ben', last_name: 'Ch', phone: null, role: 'user', identity_status: 'unverified', created_at: '', updated_at: '', password_hash: '' });
    createPartner(store, { name: 'Bench', category: 'BAR' }, now, { caller: OWNER, newId: partnerId, rules: BOOKING_DEFAULTS });
  });
  const centres: { lat: number; lng: number }[] = [];
  for (let i = 0; i < count; i += 2000) {
    await store.env.transaction(() => {
      for (let j = i; j < Math.min(count, i + 2000); j++) {
        const city = pick();
        const loc = city.location as { lat: number; lng: number };
        if (centres.length < 4096) centres.push(loc);
        const r = 3000 * Math.sqrt(Math.random());
        const a = Math.random() * 2 * Math.PI;
        const location = { lat: loc.lat + (r * Math.cos(a)) / 111_320, lng: loc.lng + (r * Math.sin(a)) / (111_320 * Math.cos(loc.lat * Math.PI / 180)) };
        const est = uuidv7();
        createEstablishment(store, { partner_id: partnerId, name: `E${j}`, address: { street: 's', city: city.name, postal_code: '1', country: 'FR' }, location, timezone: 'Europe/Paris' },
          now, { caller: OWNER, newId: est, rules: BOOKING_DEFAULTS });
        const title = Array.from({ length: 3 }, () => WORDS[Math.floor(Math.random() * WORDS.length)]).join(' ');
        createOffer(store, { establishment_id: est, title, category: CATEGORIES[j % 8] as 'BAR', discount: { kind: 'percentage', value: 10 + (j % 50) },
          valid_from: new Date(now - 86_400_000).toISOString(), valid_until: new Date(now + 30 * 86_400_000).toISOString() }, now, { caller: OWNER, newId: uuidv7(), rules: BOOKING_DEFAULTS });
      }
    });
  }
  await store.env.flushed;
  return { centres };
}

/**
 * Search and geo-cell micro-benchmarks over `count` offers (store/offer-search.ts, http/reads/offers.ts),
 * and the measurement behind the choice of geohash over H3 for the cell index (README, "Search").
 */
export async function searchTasks(fx: Fixture, count: number): Promise<{ tasks: MicroTask[]; note: string }> {
  const t0 = performance.now();
  const { centres } = await seedOffers(fx, count);
  const seedS = (performance.now() - t0) / 1000;
  const reads = new OfferReads(fx.store, 200_000);
  reads.load();
  let n = 0;
  const centre = () => centres[n++ % centres.length] as { lat: number; lng: number };
  const near = (): OfferSearch => ({ near: { ...centre(), radiusM: RADIUS_M }, filter: { activeAt: Date.now() }, limit: 20 });
  const text = parseQuery('cafe') as TextQuery;
  const ids = [...fx.store.offers.getKeys({ limit: 4096 })] as string[];
  for (const id of ids) reads.items.get(id);
  // What a 2 km circle costs each way: geohash ranges (mixed precision) vs H3 res-9 cells (edge ~200 m).
  const p = centre();
  const k = Math.ceil(RADIUS_M / (getHexagonEdgeLengthAvg(9, UNITS.m) * 1.5));
  const h3Cells = gridDisk(latLngToCell(p.lat, p.lng, 9), k).length;
  const geoCells = coverCircle(p, RADIUS_M).length;
  const hits = (s: OfferSearch) => reads.search(s).hits.length;
  const meanHits = (make: () => OfferSearch) => { let h = 0; for (let i = 0; i < 200; i++) h += hits(make()); return (h / 200).toFixed(1); };
  const note = `${count} offers seeded in ${seedS.toFixed(1)} s; a ${RADIUS_M} m circle is ${geoCells} geohash ranges vs ${h3Cells} H3 res-9 cells (k = ${k}); `
    + `mean hits: nearby ${meanHits(near)}, text ${meanHits(() => ({ filter: { activeAt: Date.now() }, text, limit: 20 }))}`;
  return {
    note,
    tasks: [
      batched('geo: ngeohash.encode, precision 9', 1000, () => ngeohash.encode(centre().lat, centre().lng, 9)),
      batched('geo: h3 latLngToCell, res 9', 1000, () => latLngToCell(centre().lat, centre().lng, 9)),
      batched(`geo: cover a ${RADIUS_M} m circle with geohash ranges (coverCircle)`, 10, () => coverCircle(centre(), RADIUS_M)),
      batched(`geo: H3 gridDisk res 9 for ${RADIUS_M} m + cell centres`, 10, () => gridDisk(latLngToCell(centre().lat, centre().lng, 9), k).map(cellToLatLng)),
      batched('geo: haversine distance', 1000, () => distanceM(centre(), centre())),
      batched(`search: nearby ${RADIUS_M} m, active now, limit 20`, 10, () => reads.search(near())),
      batched(`search: nearby ${RADIUS_M} m + encode page`, 10, () => { const s = reads.search(near()); return reads.renderPage(s.hits, undefined); }),
      batched('search: q=cafe (common word), active now, limit 20 + encode page', 10, () => reads.renderPage(reads.search({ filter: { activeAt: Date.now() }, text, limit: 20 }).hits, undefined)),
      batched(`search: nearby ${RADIUS_M} m + q=cafe, limit 20`, 10, () => reads.search({ ...near(), text })),
      batched('offer by id: cached bytes + is_favorite (anonymous)', 1000, () => reads.render(ids[n++ % ids.length] as string, undefined)),
      batched('offer by id: cached bytes + is_favorite (LMDB check)', 1000, () => reads.render(ids[n++ % ids.length] as string, OWNER)),
    ],
  };
}
