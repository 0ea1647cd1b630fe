import type { Migration } from './migration.ts';
import { v1ToV2 } from './v1-to-v2.ts';

/**
 * Every layout step, in order: `MIGRATIONS[i].from === i + 1`. A new layout appends its step here
 * (one file per step in this folder) and so raises LAYOUT_VERSION.
 */
export const MIGRATIONS: readonly Migration[] = [v1ToV2];

/** The layout this build reads and writes: one past the last step's `from`. */
export const LAYOUT_VERSION = MIGRATIONS.length + 1;
