/**
 * Main script of the single executable `sortie` (bundled to CommonJS and injected into a copy of
 * the Node binary by scripts/binary/build.ts). `--version` answers from the manifest; anything else
 * extracts the assets into the cache (src/sea/cache.ts) and imports the extracted entry bundle,
 * which dispatches the command (src/sea/entry.ts).
 * Exit codes: those of the command; 2 when the cache directory is unusable.
 */
import { getAsset } from 'node:sea';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CacheError, cacheBase, extractAssets } from './cache.ts';
import { ENTRY_FILE, MANIFEST_ASSET, type Manifest } from './manifest.ts';

const manifest = JSON.parse(getAsset(MANIFEST_ASSET, 'utf8')) as Manifest;

if (process.argv[2] === '--version') {
  process.stdout.write(`sortie ${manifest.version} (build ${manifest.hash}, node ${process.version}, ${process.platform}-${process.arch})\n`);
} else {
  let dir: string;
  try {
    dir = extractAssets(cacheBase(process.env), manifest, (name) => new Uint8Array(getAsset(name)));
  } catch (err) {
    if (!(err instanceof CacheError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exit(2);
  }
  import(pathToFileURL(join(dir, ENTRY_FILE)).href).catch((err: unknown) => {
    process.stderr.write(`sortie: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}
