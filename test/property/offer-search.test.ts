/**
 * Property tests (fast-check): over random catalogues written through the real command handlers, the
 * LMDB indexes and the search (store/offer-search.ts) answer exactly what a brute-force filter over
 * every stored offer answers, in the same order, page after page; and cursors stay correct while
 * offers are created and deleted between pages.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import fc from 'fast-check';
import { passes, summarize, type OfferFilter } from '../../src/core/search/filter.ts';
import { distanceM } from '../../src/core/search/geo.ts';
import { matchesQuery, parseQuery, wordSet, type TextQuery } from '../../src/core/search/text.ts';
import { BOOKING_DEFAULTS } from '../../src/core/schemas/bookings.ts';
import type { OfferRecord } from '../../src/core/schemas/offers.ts';
import { searchOffers, type OfferSearch, type SearchHit } from '../../src/store/offer-search.ts';
import { openStore, type Store } from '../../src/store/store.ts';
import { createEstablishment } from '../../src/workers/handlers/establishments.ts';
import { createOffer, deleteOffer, updateOffer } from '../../src/workers/handlers/offers.ts';
import { createPartner } from '../../src/workers/handlers/partners.ts';

type Infer<A> = A extends fc.Arbitrary<infer T> ? T : never;

const root = mkdtempSync(join(tmpdir(), 'sortie-search-prop-'));
/** One environment for every run: each run starts by emptying it (cheaper than a new environment). */
const shared = openStore(root);
after(async () => { await shared.env.close(); rmSync(root, { recursive: true, force: true }); });

const USER = '01900000-0000-7000-8000-0000000000aa';
const WORDS = ['Café', 'cafe', 'Théâtre', 'bière', 'bières', 'happy', 'hour', 'crêpes', 'pizza', 'pizzeria', 'ciné', 'cinéma', 'club', 'sport'];
const CATS = ['BAR', 'RESTAURANT', 'CLUB', 'CINEMA'] as const;
const ZONES = ['Europe/Paris', 'America/New_York'];
const T0 = Date.parse('2026-03-25T00:00:00Z'); // a week around the European DST change
const uuid = (n: number) => `01900000-0000-7000-8000-${n.toString(16).padStart(12, '0')}`;

const arbPlace = fc.record({ lat: fc.double({ min: 48.82, max: 48.88, noNaN: true }), lng: fc.double({ min: 2.30, max: 2.40, noNaN: true }) });
const arbText = fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 4 }).map((w) => w.join(' '));
const arbWindow = fc.record({
  day: fc.integer({ min: 0, max: 6 }),
  start: fc.constantFrom('00:00', '02:30', '17:00', '22:00'),
  end: fc.constantFrom('01:00', '03:00', '20:00', '23:59'),
});
const arbOffer = fc.record({
  est: fc.nat(),
  title: arbText,
  description: arbText,
  category: fc.constantFrom(...CATS),
  discount: fc.oneof(
    fc.record({ kind: fc.constant('percentage' as const), value: fc.integer({ min: 1, max: 100 }) }),
    fc.record({ kind: fc.constant('fixed' as const), value: fc.integer({ min: 1, max: 50 }) })),
  fromH: fc.integer({ min: 0, max: 100 }),
  lenH: fc.integer({ min: 1, max: 400 }),
  schedule: fc.array(arbWindow, { maxLength: 2 }),
  is_active: fc.oneof({ arbitrary: fc.constant(true), weight: 4 }, { arbitrary: fc.constant(false), weight: 1 }),
});
const arbCatalogue = fc.record({
  places: fc.array(fc.record({ at: arbPlace, zone: fc.constantFrom(...ZONES), area: fc.option(fc.constantFrom(1, 2), { nil: undefined }) }), { minLength: 1, maxLength: 5 }),
  offers: fc.array(arbOffer, { minLength: 0, maxLength: 50 }),
});
/** A filter present in about one query out of four, so that combinations still match offers. */
const sometimes = <T>(a: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> =>
  fc.oneof({ arbitrary: fc.constant(undefined), weight: 3 }, { arbitrary: a, weight: 1 });
const arbQuery = fc.record({
  near: fc.oneof(fc.constant(undefined), fc.record({ at: arbPlace, radiusM: fc.integer({ min: 50, max: 8000 }) })),
  categories: sometimes(fc.subarray([...CATS], { minLength: 1 })),
  minDiscount: sometimes(fc.integer({ min: 0, max: 100 })),
  q: sometimes(fc.tuple(fc.array(fc.constantFrom(...WORDS), { maxLength: 1 }), fc.constantFrom(...WORDS), fc.integer({ min: 1, max: 8 }))
    .map(([exact, last, cut]) => [...exact, last.slice(0, cut)].join(' '))),
  byPartner: fc.boolean(),
  establishment: sometimes(fc.nat()),
  area: sometimes(fc.constantFrom(1, 2)),
  activeAtH: sometimes(fc.integer({ min: 0, max: 300 })),
  limit: fc.integer({ min: 1, max: 7 }),
});

interface World {
  store: Store;
  partnerId: string;
  establishments: string[];
  now: number;
  next: number;
}

/** A fresh store with the catalogue written through the real handlers (one write transaction). */
function build(cat: Infer<typeof arbCatalogue>): World {
  const store = shared;
  store.env.transactionSync(() => {
    for (const db of Object.values(store)) if (db !== store.env) (db as Store['offers']).clearSync();
  });
  const w: World = { store, partnerId: uuid(1), establishments: [], now: T0, next: 100 };
  store.env.transactionSync(() => {
    store.users.put(USER, { id: USER, email: 'p@x.org', first_name: 'Pat', last_name: 'Lee', phone: null, role: 'user', identity_status: 'unverified',
      created_at: '', updated_at: '', password_hash: '' });
    for (const area of [1, 2]) store.areas.put(area, { id: area, name: `a${area}`, type: 'city', created_at: '', updated_at: '' });
    createPartner(store, { name: 'P', category: 'BAR' }, T0, { caller: USER, newId: w.partnerId, rules: BOOKING_DEFAULTS });
    cat.places.forEach((p: Infer<typeof arbCatalogue>['places'][number], i: number) => {
      const id = uuid(10 + i);
      createEstablishment(store, { partner_id: w.partnerId, name: `E${i}`, address: { street: 's', city: 'c', postal_code: '1', country: 'FR' },
        location: p.at, timezone: p.zone, ...(p.area === undefined ? {} : { area_id: p.area }) }, T0, { caller: USER, newId: id, rules: BOOKING_DEFAULTS });
      w.establishments.push(id);
    });
    for (const o of cat.offers) add(w, o);
  });
  return w;
}

function add(w: World, o: Infer<typeof arbOffer>): void {
  createOffer(w.store, {
    establishment_id: w.establishments[o.est % w.establishments.length] as string, title: o.title, description: o.description,
    category: o.category, discount: o.discount, valid_from: new Date(T0 + o.fromH * 3600_000).toISOString(),
    valid_until: new Date(T0 + (o.fromH + o.lenH) * 3600_000).toISOString(), schedule: o.schedule, is_active: o.is_active,
  }, w.now, { caller: USER, newId: uuid(w.next++), rules: BOOKING_DEFAULTS });
}

function toSearch(w: World, q: Infer<typeof arbQuery>): OfferSearch {
  const filter: OfferFilter = {};
  if (q.categories !== undefined) filter.categories = new Set(q.categories);
  if (q.minDiscount !== undefined) filter.minDiscount = q.minDiscount;
  if (q.byPartner) filter.partnerId = w.partnerId;
  if (q.establishment !== undefined) filter.establishmentId = w.establishments[q.establishment % w.establishments.length] as string;
  if (q.area !== undefined) filter.areaId = q.area;
  if (q.activeAtH !== undefined) filter.activeAt = T0 + q.activeAtH * 3600_000;
  const s: OfferSearch = { filter, limit: q.limit };
  if (q.near !== undefined) s.near = { ...q.near.at, radiusM: q.near.radiusM };
  if (q.q !== undefined) s.text = parseQuery(q.q) as TextQuery;
  return s;
}

/** Brute force: every stored offer, filtered one by one, sorted as the contract says. */
function bruteForce(store: Store, s: OfferSearch): SearchHit[] {
  const all = [...store.offers.getRange({})].map((e) => e.value as OfferRecord);
  const hits: SearchHit[] = [];
  for (const o of all) {
    if (!passes(summarize(o), s.filter)) continue;
    if (s.text !== undefined && !matchesQuery(wordSet(o.title, o.description), s.text)) continue;
    if (s.near === undefined) { hits.push({ id: o.id }); continue; }
    const d = distanceM(s.near, o.establishment.location);
    if (d <= s.near.radiusM) hits.push({ id: o.id, distanceM: d });
  }
  return hits.sort((a, b) => (a.distanceM ?? 0) - (b.distanceM ?? 0) || (a.id > b.id ? -1 : a.id < b.id ? 1 : 0));
}

/** Every page of a search, concatenated. */
function allPages(store: Store, s: OfferSearch): SearchHit[] {
  const summaryOf = (id: string) => { const r = store.offers.get(id); return r === undefined ? undefined : summarize(r); };
  const out: SearchHit[] = [];
  let after = s.after;
  for (let guard = 0; guard < 1000; guard++) {
    const page = searchOffers(store, summaryOf, { ...s, ...(after === undefined ? {} : { after }) });
    assert.ok(page.hits.length <= s.limit);
    out.push(...page.hits);
    if (page.next === undefined) return out;
    after = page.next;
  }
  throw new Error('paging did not end');
}

test('the indexes answer exactly what a brute-force filter answers, in the same order, across pages', () => {
  let nonTrivial = 0;
  fc.assert(fc.property(arbCatalogue, arbQuery, (cat, q) => {
    const w = build(cat);
    const s = toSearch(w, q);
    const expected = bruteForce(w.store, s);
    if (expected.length > 1) nonTrivial++;
    assert.deepEqual(allPages(w.store, s), expected);
  }), { numRuns: 150 });
  assert.ok(nonTrivial > 20, `only ${nonTrivial} of 150 searches found more than one offer: the generators are too narrow`);
});

test('words: every word whole, the last one a prefix, on whatever index drives the search', () => {
  const arbWords = fc.tuple(fc.array(fc.constantFrom(...WORDS), { maxLength: 2 }), fc.constantFrom(...WORDS), fc.integer({ min: 1, max: 8 }))
    .map(([exact, last, cut]) => [...exact, last.slice(0, cut)].join(' '));
  let matched = 0;
  fc.assert(fc.property(arbCatalogue, arbWords, fc.option(fc.constantFrom(1, 2), { nil: undefined }), fc.integer({ min: 1, max: 7 }), (cat, q, area, limit) => {
    const w = build(cat);
    const s: OfferSearch = { filter: area === undefined ? {} : { areaId: area }, text: parseQuery(q) as TextQuery, limit };
    const expected = bruteForce(w.store, s);
    if (expected.length > 0) matched++;
    assert.deepEqual(allPages(w.store, s), expected);
  }), { numRuns: 150 });
  assert.ok(matched > 30, `only ${matched} of 150 text searches matched an offer`);
});

test('updates and deletes keep the indexes exact (title, words, validity)', () => {
  fc.assert(fc.property(arbCatalogue, arbQuery, fc.array(fc.tuple(fc.nat(), arbText, fc.boolean()), { maxLength: 10 }), (cat, q, changes) => {
    const w = build(cat);
    const ids = [...w.store.offers.getKeys({})] as string[];
    w.store.env.transactionSync(() => {
      for (const [pick, title, remove] of changes) {
        const id = ids[pick % Math.max(1, ids.length)];
        if (id === undefined || !w.store.offers.doesExist(id)) continue;
        if (remove) deleteOffer(w.store, { id }, w.now, { caller: USER, newId: undefined, rules: BOOKING_DEFAULTS });
        else updateOffer(w.store, { id, patch: { title } }, w.now, { caller: USER, newId: undefined, rules: BOOKING_DEFAULTS });
      }
    });
    const s = toSearch(w, q);
    assert.deepEqual(allPages(w.store, s), bruteForce(w.store, s));
    for (const { key: word } of w.store.offerVocabulary.getRange({})) assert.ok(w.store.offerWords.getKeysCount({ start: [word], end: [`${word}\u0000`] }) > 0, `vocabulary word ${word} has offers`);
  }), { numRuns: 100 });
});

test('a cursor stays correct while offers are created and deleted between pages', () => {
  fc.assert(fc.property(arbCatalogue, arbQuery, fc.array(arbOffer, { maxLength: 8 }), fc.array(fc.nat(), { maxLength: 8 }), (cat, q, added, removed) => {
    const w = build(cat);
    const s = { ...toSearch(w, q), limit: Math.max(1, Math.floor(q.limit / 2)) };
    const summaryOf = (id: string) => { const r = w.store.offers.get(id); return r === undefined ? undefined : summarize(r); };
    const first = searchOffers(w.store, summaryOf, s);
    const before = bruteForce(w.store, s);
    const ids = [...w.store.offers.getKeys({})] as string[];
    const gone = new Set<string>();
    w.store.env.transactionSync(() => {
      for (const n of removed) {
        const id = ids[n % Math.max(1, ids.length)];
        if (id === undefined || gone.has(id)) continue;
        deleteOffer(w.store, { id }, w.now, { caller: USER, newId: undefined, rules: BOOKING_DEFAULTS });
        gone.add(id);
      }
      for (const o of added) add(w, o);
    });
    const rest = first.next === undefined ? [] : allPages(w.store, { ...s, after: first.next });
    const seen = [...first.hits, ...rest].map((h) => h.id);
    assert.equal(new Set(seen).size, seen.length, 'no offer twice');
    // Every offer that matched before and still exists, and was not on the first page, is on a later page, in order.
    const firstIds = new Set(first.hits.map((h) => h.id));
    const expected = before.filter((h) => !gone.has(h.id) && !firstIds.has(h.id)).map((h) => h.id);
    const later = rest.map((h) => h.id).filter((id) => expected.includes(id));
    assert.deepEqual(later, expected);
  }), { numRuns: 100 });
});
