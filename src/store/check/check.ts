import type { Key } from 'lmdb';
import type { Store } from '../store.ts';
import { INDEXES } from './indexes.ts';
import type { ExpectedEntry, IndexSpec } from './spec.ts';

/**
 * What is wrong with one index entry:
 * - `dangling`: the entry's record does not exist;
 * - `stale`: the record exists but does not imply this entry (e.g. an old key after a change);
 * - `value`: the entry exists with another value than its record implies;
 * - `missing`: a record implies the entry, the index lacks it.
 */
export interface Inconsistency {
  index: string;
  kind: 'dangling' | 'stale' | 'value' | 'missing';
  key: Key;
  /** The record concerned, e.g. `offers 019…`. */
  record: string;
  /** The value found (`value`, `dangling`, `stale`) or expected (`missing`, and beside `found` for `value`). */
  found?: unknown;
  expected?: unknown;
}

/** The result of checking every index. */
export interface CheckReport {
  /** Entries read per index db. */
  entries: Record<string, number>;
  problems: Inconsistency[];
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** Compares one index db with the entries its records imply. */
function checkIndex(store: Store, spec: IndexSpec, problems: Inconsistency[]): number {
  const expected = new Map<string, ExpectedEntry>();
  for (const e of spec.expected(store)) expected.set(JSON.stringify(e.key), e);
  let read = 0;
  for (const { key, value } of spec.db(store).getRange()) {
    read++;
    const k = JSON.stringify(key);
    const want = expected.get(k);
    if (want === undefined) {
      const { record, exists } = spec.target(store, key, value);
      problems.push({ index: spec.name, kind: exists ? 'stale' : 'dangling', key, record, found: value });
      continue;
    }
    expected.delete(k);
    if (!same(value, want.value)) problems.push({ index: spec.name, kind: 'value', key, record: want.record, found: value, expected: want.value });
  }
  for (const e of expected.values()) problems.push({ index: spec.name, kind: 'missing', key: e.key, record: e.record, expected: e.value });
  return read;
}

/**
 * Checks every index db of the store (store/check/indexes.ts) against its records, synchronously
 * (so on one LMDB read snapshot: lmdb-js renews the read transaction only between event-loop turns).
 * Holds the entries one index implies in memory at a time (the largest is `offer_words`: about 20
 * per offer). Writes nothing; safe beside a running server (LMDB readers never block the writer).
 */
export function checkStore(store: Store): CheckReport {
  const entries: Record<string, number> = {};
  const problems: Inconsistency[] = [];
  for (const spec of INDEXES) entries[spec.name] = checkIndex(store, spec, problems);
  return { entries, problems };
}

/** One line per inconsistency, e.g. `offer_words: dangling ["cafe","019…"]: offers 019… does not exist`. */
export function describe(p: Inconsistency): string {
  const key = JSON.stringify(p.key);
  switch (p.kind) {
    case 'dangling': return `${p.index}: dangling entry ${key}: ${p.record} does not exist`;
    case 'stale': return `${p.index}: stale entry ${key}: ${p.record} exists but does not imply it`;
    case 'value': return `${p.index}: entry ${key} holds ${JSON.stringify(p.found)}, ${p.record} implies ${JSON.stringify(p.expected)}`;
    case 'missing': return `${p.index}: missing entry ${key} (value ${JSON.stringify(p.expected)}) of ${p.record}`;
  }
}
