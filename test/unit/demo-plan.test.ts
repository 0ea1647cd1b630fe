import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CATEGORIES } from '../../src/core/schemas/common.ts';
import { distanceM } from '../../src/core/search/geo.ts';
import { CityPicker, DEFAULT_COUNTRIES } from '../../src/cli/demo/places.ts';
import { demoCatalogue, type PartnerPlan, type PlanOptions } from '../../src/cli/demo/plan.ts';
import { parseTag } from '../../src/cli/demo/tags.ts';

const DAY = Date.UTC(2026, 11, 2);
const cities = new CityPicker(DEFAULT_COUNTRIES);
const options = (seed: number, offers: number): PlanOptions => ({ seed, offers, cities, day: DAY, areaOf: () => undefined });
const plan = (seed: number, offers: number): PartnerPlan[] => [...demoCatalogue(options(seed, offers))];
const offersOf = (p: PartnerPlan[]) => p.flatMap((x) => x.establishments.flatMap((e) => e.offers.map((o) => ({ ...o.body, location: e.body.location }))));

const catalogue = plan(1, 10_000);
const offers = offersOf(catalogue);

test('the plan holds exactly the offers asked for, 1–3 establishments per partner, 3–10 offers each but the last', () => {
  assert.equal(offers.length, 10_000);
  assert.ok(catalogue.every((p) => p.establishments.length >= 1 && p.establishments.length <= 3));
  const counts = catalogue.flatMap((p) => p.establishments.map((e) => e.offers.length));
  assert.ok(counts.slice(0, -1).every((n) => n >= 3 && n <= 10));
});

test('the same seed gives the same catalogue, another seed another one, and a smaller one is a prefix', () => {
  assert.deepEqual(plan(1, 10_000), catalogue);
  assert.notDeepEqual(offersOf(plan(2, 500)).map((o) => o.title), offers.slice(0, 500).map((o) => o.title));
  assert.deepEqual(offersOf(plan(1, 777)), offers.slice(0, 777));
});

test('all eight categories, both discount kinds, schedules (one crossing midnight), quotas, French and English with accents', () => {
  assert.deepEqual(new Set(offers.map((o) => o.category)), new Set(CATEGORIES));
  assert.deepEqual(new Set(offers.map((o) => o.discount.kind)), new Set(['percentage', 'fixed']));
  assert.ok(offers.some((o) => o.schedule?.some((w) => w.day >= 1 && w.start === '17:00' && w.end === '20:00')), 'a weekday happy hour');
  assert.ok(offers.some((o) => o.schedule?.some((w) => w.end <= w.start)), 'a window crossing midnight');
  assert.ok(offers.some((o) => o.quota !== undefined) && offers.some((o) => o.quota === undefined));
  assert.ok(offers.some((o) => /[éèêàçô]/.test(o.title)) && offers.some((o) => / off\b/.test(o.title)), 'French accents and English');
  assert.ok(offers.some((o) => /\bcaf[eé]/i.test(`${o.title} ${o.description}`)), 'cafés');
  assert.ok(offers.every((o) => Date.parse(o.valid_until) > Date.parse(o.valid_from)));
});

test('titles of one establishment never repeat', () => {
  for (const e of catalogue.flatMap((p) => p.establishments)) {
    const titles = e.offers.map((o) => o.body.title);
    assert.equal(new Set(titles).size, titles.length, titles.join(' / '));
  }
});

test('every item carries its position in its image tag', () => {
  for (const p of catalogue.slice(0, 50)) {
    assert.deepEqual(parseTag(1, p.body.logo), { p: p.index });
    for (const e of p.establishments) {
      assert.deepEqual(parseTag(1, e.body.images?.[0]), { p: p.index, e: e.index });
      for (const o of e.offers) assert.deepEqual(parseTag(1, o.body.images?.[0]), { p: p.index, e: e.index, o: o.index });
    }
  }
  assert.equal(parseTag(2, catalogue[0]!.body.logo), undefined, 'another seed\'s tag');
});

test('the default catalogue has at least five always-on offers active today within 2 km of Paris', () => {
  const paris = { lat: 48.8566, lng: 2.3522 };
  const now = DAY + 12 * 3_600_000;
  const near = offers.filter((o) => distanceM(paris, o.location) <= 2000 && o.is_active && o.schedule?.length === 0
    && Date.parse(o.valid_from) <= now && now < Date.parse(o.valid_until));
  assert.ok(near.length >= 5, `${near.length} offers`);
});
