import type { Store } from '../store.ts';

/**
 * One step of the store's layout, from version `from` to `from + 1`. Adding a layout change is one
 * file in this folder exporting a Migration, plus one line in `migrations/index.ts`.
 *
 * `run` is called inside an LMDB write transaction (`env.transactionSync`) that also stamps the new
 * version in `meta`: everything it writes commits together or not at all. It must be synchronous
 * (lmdb-js runs the callback in the transaction), must only read and write through `store`, and
 * must be safe on any store of layout `from` (also on one already partly in the new layout: an
 * unversioned store may have been written by a build of either layout, see `layout.ts`).
 * Throwing aborts the step; the store stays as it was.
 */
export interface Migration {
  /** The layout it reads (the next one is `from + 1`). */
  readonly from: number;
  /** One line for the log: what changes. */
  readonly summary: string;
  /** Applies the step; returns how many records it wrote or removed. */
  run(store: Store): number;
}
