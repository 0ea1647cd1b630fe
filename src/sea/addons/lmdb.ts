/**
 * Single executable: stands for `node-gyp-build-optional-packages` as imported by lmdb's native.js,
 * which calls it with lmdb's package folder to find its prebuilt addon.
 */
import { loadAddon } from './load.ts';

/** @returns lmdb's native addon, whatever folder lmdb passes. */
export default function loadLmdb(): unknown {
  return loadAddon('lmdb.node');
}
