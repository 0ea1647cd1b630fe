import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Type } from '@sinclair/typebox';
import fc from 'fast-check';
import { Problem, type FieldError } from '../../src/core/errors.ts';
import { AreaCreate, AreaListQuery, AreaPatch } from '../../src/core/schemas/areas.ts';
import { Timestamp } from '../../src/core/schemas/common.ts';
import { OfferListQuery } from '../../src/core/schemas/offers.ts';
import { bodyValidator, fieldErrors, queryValidator } from '../../src/core/validate.ts';

const validCreate = bodyValidator(AreaCreate);
const validPatch = bodyValidator(AreaPatch);
const validQuery = queryValidator(AreaListQuery);

/** Runs `fn`, which must throw a 400 validation Problem, and returns its field errors. */
function errorsOf(fn: () => unknown): FieldError[] {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof Problem, `expected a Problem, got ${String(err)}`);
    assert.equal(err.status, 400);
    assert.equal(err.slug, 'validation-error');
    assert.ok(err.errors !== undefined && err.errors.length > 0);
    return err.errors;
  }
  assert.fail('expected the validator to throw');
}

const pathsOf = (errors: FieldError[]) => errors.map((e) => e.path).sort();

test('bodyValidator returns valid input unchanged, typed', () => {
  const input = { name: 'Paris', type: 'city', location: { lat: 48.85, lng: 2.35 }, population: 2_100_000, country: 'FR', external_ref: 'geonames:2988507' };
  assert.equal(validCreate(input), input);
  assert.deepEqual(input, { name: 'Paris', type: 'city', location: { lat: 48.85, lng: 2.35 }, population: 2_100_000, country: 'FR', external_ref: 'geonames:2988507' });
});

test('missing fields: one error per field, path names it, message "is required"', () => {
  const errors = errorsOf(() => validCreate({}));
  assert.deepEqual(errors.sort((a, b) => a.path.localeCompare(b.path)), [
    { path: '/name', message: 'is required' },
    { path: '/type', message: 'is required' },
  ]);
});

test('unknown field: path names it, message "is not a known field"', () => {
  assert.deepEqual(errorsOf(() => validCreate({ name: 'a', type: 'b', colour: 'red' })), [{ path: '/colour', message: 'is not a known field' }]);
  assert.deepEqual(errorsOf(() => validCreate({ name: 'a', type: 'b', location: { lat: 1, lng: 2, alt: 3 } })),
    [{ path: '/location/alt', message: 'is not a known field' }]);
});

test('wrong types: every bad field is reported at once (allErrors), nested paths are JSON Pointers', () => {
  const errors = errorsOf(() => validCreate({ name: 5, type: true, population: '5', country: 'fra', location: { lat: 91 } }));
  assert.deepEqual([...new Set(pathsOf(errors))], ['/country', '/location/lat', '/location/lng', '/name', '/population', '/type']);
  assert.deepEqual(errors.find((e) => e.path === '/location/lng'), { path: '/location/lng', message: 'is required' });
});

test('no coercion in bodies: "5" is not an integer', () => {
  assert.deepEqual(pathsOf(errorsOf(() => validCreate({ name: 'a', type: 'b', population: '5' }))), ['/population']);
  assert.deepEqual(pathsOf(errorsOf(() => validCreate({ name: 'a', type: 'b', population: 1.5 }))), ['/population']);
});

test('blank strings: "must not be blank"; empty strings are refused too', () => {
  assert.deepEqual(errorsOf(() => validCreate({ name: ' \t\n ', type: 'b' })), [{ path: '/name', message: 'must not be blank' }]);
  assert.deepEqual([...new Set(pathsOf(errorsOf(() => validCreate({ name: '', type: 'b' }))))], ['/name']);
});

test('lengths are counted in code points: 200 accepted, 201 refused, for ASCII and astral characters alike', () => {
  for (const ch of ['x', 'é', '😀', '𝔸']) {
    assert.doesNotThrow(() => validCreate({ name: ch.repeat(200), type: 'b' }), `200 × ${ch}`);
    assert.deepEqual(pathsOf(errorsOf(() => validCreate({ name: 'a', type: ch.repeat(201) }))), ['/type'], `201 × ${ch}`);
  }
});

test('property: a name is accepted iff it has 1–200 code points and a non-space character', () => {
  const stringOrLong = fc.oneof(fc.string({ unit: 'grapheme-composite', maxLength: 220 }), fc.string({ unit: 'binary', minLength: 195, maxLength: 205 }));
  fc.assert(fc.property(stringOrLong, (name) => {
    const codePoints = [...name].length;
    const expected = codePoints >= 1 && codePoints <= 200 && /\S/.test(name);
    let accepted = true;
    try {
      validCreate({ name, type: 'city' });
    } catch {
      accepted = false;
    }
    return accepted === expected;
  }));
});

test('merge patch: null removes optional fields but not name or type', () => {
  assert.doesNotThrow(() => validPatch({ location: null, population: null, country: null, external_ref: null }));
  assert.doesNotThrow(() => validPatch({}));
  const errors = errorsOf(() => validPatch({ name: null, type: null }));
  assert.deepEqual([...new Set(pathsOf(errors))], ['/name', '/type']);
});

test('union errors are deduplicated: one message per path and message', () => {
  const errors = errorsOf(() => validPatch({ country: 5 }));
  const keys = errors.map((e) => `${e.path} ${e.message}`);
  assert.equal(new Set(keys).size, keys.length, `duplicates in ${JSON.stringify(errors)}`);
  assert.ok(errors.every((e) => e.path === '/country'));
});

test('the Problem says what was invalid', () => {
  assert.throws(() => bodyValidator(AreaCreate, 'frame')({}), (err: unknown) => err instanceof Problem && err.message === 'The frame is invalid.');
  assert.throws(() => validQuery({ limit: '0' }), (err: unknown) => err instanceof Problem && err.message === 'The query string is invalid.');
});

test('queryValidator coerces numeric strings and leaves missing optionals unset', () => {
  assert.deepEqual(validQuery({ limit: '5', after: '10', type: 'city' }), { limit: 5, after: 10, type: 'city' });
  const q = validQuery({});
  assert.ok(q.limit === undefined || q.limit === 100, `limit ${String(q.limit)}`);
  assert.equal(q.after, undefined);
});

test('queryValidator: limit bounds 1..1000, integers only, one value', () => {
  assert.equal(validQuery({ limit: '1' }).limit, 1);
  assert.equal(validQuery({ limit: '1000' }).limit, 1000);
  for (const limit of ['0', '1001', 'abc', '1.5', '-1', ''])
    assert.deepEqual(pathsOf(errorsOf(() => validQuery({ limit }))), ['/limit'], `limit=${limit}`);
  assert.deepEqual(pathsOf(errorsOf(() => validQuery({ limit: ['1', '2'] }))), ['/limit']);
  assert.deepEqual(pathsOf(errorsOf(() => validQuery({ after: '-1' }))), ['/after']);
  assert.deepEqual(pathsOf(errorsOf(() => validQuery({ sort: 'name' }))), ['/sort']);
});

test('fieldErrors maps ajv errors without a field to the instance path', () => {
  assert.deepEqual(fieldErrors(null), []);
  assert.deepEqual(fieldErrors([{ keyword: 'type', instancePath: '/a/0', schemaPath: '#', params: {}, message: 'must be string' }]),
    [{ path: '/a/0', message: 'must be string' }]);
  assert.deepEqual(fieldErrors([{ keyword: 'type', instancePath: '', schemaPath: '#', params: {} }]), [{ path: '', message: 'is invalid' }]);
});

test('a top-level non-object body is one error at the root path', () => {
  const v = bodyValidator(Type.Object({ a: Type.String() }));
  assert.deepEqual(errorsOf(() => v([])), [{ path: '', message: 'must be object' }]);
});

test('a body with thousands of unknown fields is refused cheaply, with a bounded problem', () => {
  const huge = Object.fromEntries(Array.from({ length: 60_000 }, (_, i) => [`f${i}`, i]));
  assert.throws(() => validCreate({ name: 'n', type: 't', ...huge }),
    (e: unknown) => e instanceof Problem && e.status === 400 && e.errors?.length === 1 && /at most 1000 members/.test(e.errors[0]?.message ?? ''));
  const many = Object.fromEntries(Array.from({ length: 80 }, (_, i) => [`f${i}`, i]));
  assert.throws(() => validCreate({ name: 'n', type: 't', ...many }), (e: unknown) => e instanceof Problem && e.errors?.length === 50 && /30 more errors/.test(e.message));
});

test('date-time: RFC 3339 forms Date.parse reads pass; a leap second (23:59:60, which Date.parse cannot read) is a 400, not a 500 later', () => {
  const validStamp = bodyValidator(Type.Object({ at: Timestamp('An instant.') }));
  const validActiveAt = queryValidator(OfferListQuery);
  for (const at of ['2026-06-30T23:59:59.999Z', '2026-01-01t10:00:00z', '2026-01-01T10:00:00+23:59', '2026-01-01T10:00:00.123456789Z', '0000-01-01T00:00:00Z']) {
    assert.ok(Number.isFinite(Date.parse(at)), at);
    assert.deepEqual(validStamp({ at }), { at });
  }
  for (const at of ['2026-06-30T23:59:60Z', '2026-07-01T00:59:60+01:00', '2026-02-30T00:00:00Z']) {
    assert.deepEqual(pathsOf(errorsOf(() => validStamp({ at }))), ['/at'], at);
    assert.deepEqual([...new Set(pathsOf(errorsOf(() => validActiveAt({ active_at: at }))))], ['/active_at'], at);
  }
});
