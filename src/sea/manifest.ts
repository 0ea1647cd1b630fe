/** Asset `manifest.json` of the single executable, written by scripts/binary/build.ts. */
export interface Manifest {
  /** Build hash: 16 hex digits of the SHA-256 of the Node binary, the loader and every asset. */
  hash: string;
  /** sortie's version (package.json). */
  version: string;
  /** Asset name → size in bytes; each is extracted under that name into the build's cache directory. */
  files: Record<string, number>;
}

/** SEA asset key of the manifest. */
export const MANIFEST_ASSET = 'manifest.json';

/** The bundle the loader imports once the assets are extracted (src/sea/entry.ts). */
export const ENTRY_FILE = 'sortie.js';
