// Its own file: node --test runs each file in a fresh process, so nothing else has compiled these schemas yet.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Problem } from '../../src/core/errors.ts';
import { AreaPatch, AreaUpdateArgs } from '../../src/core/schemas/areas.ts';
import { bodyValidator } from '../../src/core/validate.ts';

test('a schema compiled nested in another first can still be compiled on its own (start-up does not depend on import order)', () => {
  const update = bodyValidator(AreaUpdateArgs);
  const patch = bodyValidator(AreaPatch);
  assert.deepEqual(patch({ name: 'x' }), { name: 'x' });
  assert.deepEqual(update({ id: 1, patch: { name: 'x' } }), { id: 1, patch: { name: 'x' } });
  assert.throws(() => patch({ name: '' }), (e: unknown) => e instanceof Problem && e.status === 400);
});
