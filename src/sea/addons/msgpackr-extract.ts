/**
 * Single executable: stands for the `msgpackr-extract` package, the native string extractor that
 * msgpackr (ours and lmdb's) uses to decode faster; msgpackr reads only `extractStrings`.
 */
import { loadAddon } from './load.ts';

export const { extractStrings } = loadAddon('msgpackr-extract.node') as { extractStrings: unknown };
