import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PROBLEM_BASE, Problem, problems, type ProblemBody } from '../../src/core/errors.ts';

test('Problem.toJSON is the RFC 9457 body: type URI, title, status, detail, errors', () => {
  const p = new Problem(400, 'validation-error', 'Invalid request', 'The body is invalid.', [{ path: '/name', message: 'is required' }]);
  assert.deepEqual(p.toJSON(), {
    type: 'https://sortie.dev/problems/validation-error',
    title: 'Invalid request',
    status: 400,
    detail: 'The body is invalid.',
    errors: [{ path: '/name', message: 'is required' }],
  });
  assert.equal(JSON.stringify(p), JSON.stringify(p.toJSON()));
  assert.ok(p instanceof Error);
  assert.equal(p.name, 'Problem');
  assert.equal(p.message, 'The body is invalid.');
});

test('Problem.toJSON leaves out detail when there is none, and errors when there are none', () => {
  assert.deepEqual(new Problem(404, 'not-found', 'Not found').toJSON(),
    { type: `${PROBLEM_BASE}not-found`, title: 'Not found', status: 404 });
});

test('Problem.fromJSON round-trips the wire form (what crosses from a worker thread)', () => {
  const bodies: ProblemBody[] = [
    problems.invalid([{ path: '/type', message: 'must be string' }]).toJSON(),
    problems.notFound('Area 7 does not exist.').toJSON(),
    problems.conflict('idempotency-key-reuse', 'Another body.').toJSON(),
    { type: `${PROBLEM_BASE}x`, title: 'X', status: 418 },
  ];
  for (const body of bodies) {
    const p = Problem.fromJSON(body);
    assert.ok(p instanceof Problem);
    assert.deepEqual(p.toJSON(), body);
    assert.equal(p.status, body.status);
  }
  assert.equal(Problem.fromJSON({ type: 'urn:other', title: 'T', status: 400 }).slug, 'urn:other');
});

test('the constructors of the contract give the right status and slug', () => {
  const cases: [Problem, number, string][] = [
    [problems.invalid([]), 400, 'validation-error'],
    [problems.malformedJson('bad'), 400, 'malformed-json'],
    [problems.notFound('gone'), 404, 'not-found'],
    [problems.methodNotAllowed('PUT', ['GET', 'POST']), 405, 'method-not-allowed'],
    [problems.conflict('duplicate', 'taken'), 409, 'duplicate'],
    [problems.payloadTooLarge(1024), 413, 'payload-too-large'],
    [problems.unsupportedMediaType('text/plain'), 415, 'unsupported-media-type'],
    [problems.unavailable('stopping', 'bye'), 503, 'stopping'],
  ];
  for (const [p, status, slug] of cases) {
    assert.equal(p.status, status, slug);
    assert.equal(p.toJSON().type, PROBLEM_BASE + slug);
    assert.ok(p.title.length > 0);
  }
});

test('405 carries Allow, 503 carries Retry-After, others no headers', () => {
  assert.deepEqual(problems.methodNotAllowed('PUT', ['GET', 'POST']).headers, { Allow: 'GET, POST' });
  assert.match(problems.methodNotAllowed('PUT', ['GET', 'POST']).message, /PUT/);
  assert.deepEqual(problems.unavailable('overloaded', 'busy').headers, { 'Retry-After': '1' });
  assert.deepEqual(problems.unavailable('starting', 'wait', 5).headers, { 'Retry-After': '5' });
  assert.equal(problems.notFound('x').headers, undefined);
});

test('details name what went wrong', () => {
  assert.match(problems.payloadTooLarge(1048576).message, /1048576 bytes/);
  assert.match(problems.unsupportedMediaType('').message, /got none/);
  assert.match(problems.unsupportedMediaType('text/plain').message, /"text\/plain"/);
  assert.equal(problems.invalid([{ path: '/a', message: 'm' }]).toJSON().errors?.[0]?.path, '/a');
});
