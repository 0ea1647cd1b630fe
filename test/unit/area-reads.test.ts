import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { Area } from '../../src/core/schemas/areas.ts';
import { AreaReads } from '../../src/http/area-reads.ts';
import { openStore } from '../../src/store/store.ts';

const dir = mkdtempSync(join(tmpdir(), 'sortie-reads-'));
const store = openStore(dir);
after(async () => { await store.env.close(); rmSync(dir, { recursive: true, force: true }); });

const area = (id: number, name: string): Area =>
  ({ id, name, type: 'city', created_at: '2026-11-23T00:00:00.000Z', updated_at: '2026-11-23T00:00:00.000Z' });
const json = (b: Buffer | undefined) => (b === undefined ? undefined : JSON.parse(b.toString()) as Area);

test('a create event that arrives after its update (another partition) does not bring the old version back', () => {
  const reads = new AreaReads(store, 100, 1 << 20);
  reads.apply({ topic: 'areas', event: 'area.updated', data: area(7, 'new') });
  reads.apply({ topic: 'areas', event: 'area.created', data: area(7, 'old') });
  assert.equal(json(reads.get(7))?.name, 'new');
});

test('a create event that arrives after its delete does not bring the area back', () => {
  const reads = new AreaReads(store, 100, 1 << 20);
  reads.apply({ topic: 'areas', event: 'area.deleted', data: { id: 8 } });
  reads.apply({ topic: 'areas', event: 'area.created', data: area(8, 'ghost') });
  assert.equal(reads.get(8), undefined);
});

test('in order, create then update then delete', () => {
  const reads = new AreaReads(store, 100, 1 << 20);
  reads.apply({ topic: 'areas', event: 'area.created', data: area(9, 'a') });
  assert.equal(json(reads.get(9))?.name, 'a');
  reads.apply({ topic: 'areas', event: 'area.updated', data: area(9, 'b') });
  assert.equal(json(reads.get(9))?.name, 'b');
  reads.apply({ topic: 'areas', event: 'area.deleted', data: { id: 9 } });
  assert.equal(reads.get(9), undefined);
});
