import { fileURLToPath } from 'node:url';

/**
 * Loads the native addon `file` (e.g. `uws.node`) with `process.dlopen` from the directory of the
 * running bundle: the cache directory where the single executable extracted its assets
 * (src/sea/cache.ts). A `.node` file cannot be loaded from inside the executable itself.
 * @returns the addon's exports.
 * @throws Error from the dynamic loader (e.g. "failed to map segment" on a `noexec` mount).
 */
export function loadAddon(file: string): unknown {
  const module = { exports: {} };
  process.dlopen(module, fileURLToPath(new URL(`./${file}`, import.meta.url)));
  return module.exports;
}
