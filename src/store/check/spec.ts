import type { Database, Key } from 'lmdb';
import type { Store } from '../store.ts';

/** One entry an index should hold, derived from a record. */
export interface ExpectedEntry {
  key: Key;
  /** The entry's value (`null` for key-only indexes). */
  value: unknown;
  /** The record it derives from, for the report, e.g. `offers 019…`. */
  record: string;
}

/**
 * How to check one index db against the records it is derived from (store/check/indexes.ts): the
 * entries the records imply, and which record an entry found in the index points to.
 */
export interface IndexSpec {
  /** The index db, named as in store.ts. */
  name: string;
  /** The index db itself. */
  db(store: Store): Database<unknown, Key>;
  /** Every entry the records imply (read in one pass over the records db). */
  expected(store: Store): Iterable<ExpectedEntry>;
  /** The record an index entry points to (for the report) and whether it exists. */
  target(store: Store, key: Key, value: unknown): { record: string; exists: boolean };
}
