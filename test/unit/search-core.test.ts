import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import ngeohash from 'ngeohash';
import { cellLowerBound, coverCircle, distanceM } from '../../src/core/search/geo.ts';
import { foldWords, matchesQuery, parseQuery, wordSet } from '../../src/core/search/text.ts';
import { inWindow, isActiveAt } from '../../src/core/time/schedule.ts';
import { isTimeZone, localClock } from '../../src/core/time/zones.ts';

test('words are folded: NFD, marks stripped, lower case, split on anything but letters and digits', () => {
  assert.deepEqual(foldWords('Café-Théâtre, CRÊPES & cidre 2x!'), ['cafe', 'theatre', 'crepes', 'cidre', '2x']);
  assert.deepEqual(foldWords('Ōsaka Straße naïve'), ['osaka', 'straße', 'naive']);
  assert.deepEqual(wordSet('b a', 'a c'), ['a', 'b', 'c']);
  assert.equal(parseQuery(' ,; '), undefined);
  const q = parseQuery('Café théâ') ?? assert.fail();
  assert.deepEqual(q, { exact: ['cafe'], prefix: 'thea' });
  assert.ok(matchesQuery(wordSet('Café Théâtre'), q));
  assert.ok(!matchesQuery(wordSet('Café'), q));
  assert.ok(!matchesQuery(wordSet('Cafés théâtre'), q), 'exact words match whole');
});

test('distances: known great-circle figures (haversine, mean Earth radius)', () => {
  assert.equal(Math.round(distanceM({ lat: 48.8566, lng: 2.3522 }, { lat: 51.5074, lng: -0.1278 }) / 1000), 344);
  assert.equal(Math.round(distanceM({ lat: 0, lng: 179.9 }, { lat: 0, lng: -179.9 })), 22239);
  assert.equal(distanceM({ lat: 10, lng: 10 }, { lat: 10, lng: 10 }), 0);
});

test('a cell lower bound never exceeds the distance to any point of the cell', () => {
  fc.assert(fc.property(
    fc.double({ min: -89, max: 89, noNaN: true }), fc.double({ min: -180, max: 180, noNaN: true }),
    fc.integer({ min: 1, max: 7 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }),
    fc.double({ min: -1, max: 1, noNaN: true }), fc.double({ min: -1, max: 1, noNaN: true }),
    (lat, lng, precision, u, v, dLat, dLng) => {
      const cell = ngeohash.encode(lat, lng, precision);
      const [a, b, c, d] = ngeohash.decode_bbox(cell) as [number, number, number, number];
      const inside = { lat: a + (c - a) * u, lng: b + (d - b) * v };
      const p = { lat: Math.max(-90, Math.min(90, lat + dLat * 5)), lng: ((lng + dLng * 5 + 540) % 360) - 180 };
      assert.ok(cellLowerBound(p, cell) <= distanceM(p, inside) + 1e-6);
    }), { numRuns: 2000 });
});

test('the cover of a circle holds every point of the circle, across the antimeridian and near the poles', () => {
  fc.assert(fc.property(
    fc.constantFrom({ lat: 0, lng: 179.99 }, { lat: 0, lng: -179.99 }, { lat: 89.99, lng: 0 }, { lat: -89.9, lng: 45 }, { lat: 48.85, lng: 2.35 }),
    fc.integer({ min: 10, max: 100_000 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 2 * Math.PI, noNaN: true }),
    (centre, radius, f, bearing) => {
      const cells = coverCircle(centre, radius);
      assert.ok(cells.length > 0 && cells.length <= 32 * 24);
      // A point at distance f·radius along `bearing` (spherical destination formula).
      const R = 6_371_008.8; const δ = (f * radius) / R; const φ1 = centre.lat * Math.PI / 180; const λ1 = centre.lng * Math.PI / 180;
      const φ2 = Math.asin(Math.sin(φ1) * Math.cos(δ) + Math.cos(φ1) * Math.sin(δ) * Math.cos(bearing));
      const λ2 = λ1 + Math.atan2(Math.sin(bearing) * Math.sin(δ) * Math.cos(φ1), Math.cos(δ) - Math.sin(φ1) * Math.sin(φ2));
      const p = { lat: φ2 * 180 / Math.PI, lng: ((λ2 * 180 / Math.PI + 540) % 360) - 180 };
      const cell = ngeohash.encode(p.lat, p.lng, 9);
      assert.ok(cells.some((c) => cell.startsWith(c.hash)), `${JSON.stringify(p)} at ${Math.round(f * radius)} m is covered`);
    }), { numRuns: 1000 });
});

test('schedule windows: start included, end excluded, an end at or before the start crosses midnight', () => {
  const fri = (minutes: number) => ({ day: 5, minutes });
  assert.ok(inWindow({ day: 5, start: '17:00', end: '20:00' }, fri(17 * 60)));
  assert.ok(!inWindow({ day: 5, start: '17:00', end: '20:00' }, fri(20 * 60)));
  assert.ok(inWindow({ day: 5, start: '22:00', end: '02:00' }, { day: 6, minutes: 60 }));
  assert.ok(inWindow({ day: 6, start: '22:00', end: '02:00' }, { day: 0, minutes: 60 }), 'Saturday night runs into Sunday');
  assert.ok(!inWindow({ day: 5, start: '22:00', end: '02:00' }, { day: 6, minutes: 120 }));
  assert.ok(inWindow({ day: 1, start: '09:00', end: '09:00' }, { day: 2, minutes: 8 * 60 }), 'start = end: 24 h');
});

test('local clocks come from the tz database (DST in Paris, New York, and a zone without DST)', () => {
  assert.deepEqual(localClock(Date.parse('2026-03-29T00:59:00Z'), 'Europe/Paris'), { day: 0, minutes: 1 * 60 + 59 });
  assert.deepEqual(localClock(Date.parse('2026-03-29T01:00:00Z'), 'Europe/Paris'), { day: 0, minutes: 3 * 60 });
  assert.deepEqual(localClock(Date.parse('2026-11-01T05:30:00Z'), 'America/New_York'), { day: 0, minutes: 1 * 60 + 30 });
  assert.deepEqual(localClock(Date.parse('2026-11-01T06:30:00Z'), 'America/New_York'), { day: 0, minutes: 1 * 60 + 30 }, '01:30 happens twice');
  assert.deepEqual(localClock(Date.parse('2026-07-01T12:00:00Z'), 'Asia/Kolkata'), { day: 3, minutes: 17 * 60 + 30 });
  assert.ok(isTimeZone('Europe/Paris') && isTimeZone('UTC') && !isTimeZone('Mars/Olympus') && !isTimeZone(''));
  const a = { is_active: true, validFromMs: 0, validUntilMs: Date.parse('2030-01-01T00:00:00Z'), timezone: 'Europe/Paris', schedule: [{ day: 0, start: '02:00', end: '03:00' }] };
  assert.ok(!isActiveAt(a, Date.parse('2026-03-29T01:30:00Z')), 'Sunday 02:00–03:00 does not exist on the day DST starts');
  assert.ok(isActiveAt(a, Date.parse('2026-04-05T00:30:00Z')), 'a week later it does (02:30 CEST)');
  assert.ok(!isActiveAt({ ...a, is_active: false }, Date.parse('2026-04-05T00:30:00Z')));
});
