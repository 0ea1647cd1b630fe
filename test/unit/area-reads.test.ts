import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { Area } from '../../src/core/schemas/areas.ts';
import { AreaReads } from '../../src/http/reads/areas.ts';
import { openStore } from '../../src/store/store.ts';

const dir = mkdtempSync(join(tmpdir(), 'sortie-reads-'));
const store = openStore(dir);
after(async () => { await store.env.close(); rmSync(dir, { recursive: true, force: true }); });

const area = (id: number, name: string): Area =>
  ({ id, name, type: 'city', created_at: '2026-11-23T00:00:00.000Z', updated_at: '2026-11-23T00:00:00.000Z' });
const json = (b: Buffer | undefined) => (b === undefined ? undefined : JSON.parse(b.toString()) as Area);
/** Commits like an actor would, then delivers the events (in the given order) like the bus would. */
const commit = (reads: AreaReads, write: () => void, ...events: [string, Area | { id: number }][]) => {
  store.env.transactionSync(write);
  for (const [event, data] of events) reads.apply({ topic: 'areas', event, data });
};

test('a create event that arrives after its update (another partition) does not bring the old version back', () => {
  const reads = new AreaReads(store, 100, 1 << 20);
  store.areas.putSync(7, area(7, 'old'));
  assert.equal(json(reads.get(7))?.name, 'old');
  commit(reads, () => store.areas.put(7, area(7, 'new')), ['area.updated', area(7, 'new')], ['area.created', area(7, 'old')]);
  assert.equal(json(reads.get(7))?.name, 'new');
});

test('a create event that arrives after its delete does not bring the area back', () => {
  const reads = new AreaReads(store, 100, 1 << 20);
  store.areas.putSync(8, area(8, 'ghost'));
  assert.equal(json(reads.get(8))?.name, 'ghost');
  commit(reads, () => store.areas.remove(8), ['area.deleted', { id: 8 }], ['area.created', area(8, 'ghost')]);
  assert.equal(reads.get(8), undefined);
});

test('every area write drops the cached pages', () => {
  const reads = new AreaReads(store, 100, 1 << 20);
  store.areas.putSync(9, area(9, 'a'));
  assert.equal(JSON.parse(reads.page(8, 10).body.toString())[0].name, 'a');
  commit(reads, () => store.areas.put(9, area(9, 'b')), ['area.updated', area(9, 'b')]);
  assert.equal(JSON.parse(reads.page(8, 10).body.toString())[0].name, 'b');
});
