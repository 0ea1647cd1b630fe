import { LAYOUT_VERSION } from './migrations/index.ts';
import type { Store } from './store.ts';

/** The `meta` key holding the store's layout version (a positive integer). */
export const LAYOUT_KEY = 'layout.version';

/**
 * The layout an unstamped store with data is read as: builds before layout versions existed wrote
 * layout 1 (issue 4) or layout 2 without a stamp, and step 1 → 2 is safe on both.
 */
const UNSTAMPED_LAYOUT = 1;

/** Thrown when the store was written by a newer build (its layout is past LAYOUT_VERSION). */
export class StoreLayoutError extends Error {
  constructor(readonly found: number, readonly supported: number) {
    super(`The store has layout version ${found}, written by a newer sortie; this build reads layout version ${supported} at most. `
      + 'Run the newer build, or restore a backup taken before the upgrade (npm run restore).');
  }
}

/** True when no db of the store holds a key (a brand-new store). */
function isEmpty(store: Store): boolean {
  for (const [name, db] of Object.entries(store)) if (name !== 'env' && db.getKeysCount({ limit: 1 }) > 0) return false;
  return true;
}

/**
 * The store's layout version: its stamp in `meta`; UNSTAMPED_LAYOUT when unstamped but holding
 * data; undefined when empty.
 */
export function layoutOf(store: Store): number | undefined {
  return store.meta.get(LAYOUT_KEY) ?? (isEmpty(store) ? undefined : UNSTAMPED_LAYOUT);
}

/**
 * Refuses a store this build cannot read. Read-only; call before anything else touches the store.
 * @returns its layout version (undefined when empty).
 * @throws StoreLayoutError when the store's layout is newer than `supported`.
 */
export function assertReadable(store: Store, supported = LAYOUT_VERSION): number | undefined {
  const found = layoutOf(store);
  if (found !== undefined && found > supported) throw new StoreLayoutError(found, supported);
  return found;
}
