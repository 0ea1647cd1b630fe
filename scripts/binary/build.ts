/**
 * Builds the single executable `dist/sortie` with Node's Single Executable Applications (SEA):
 * esbuild bundles (bundle.ts) → manifest with the build hash → `node --experimental-sea-config`
 * makes the preparation blob → postject injects it into a copy of the running Node binary.
 * When `dist/sortie` already reports the same build hash, the injection is skipped.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import pkg from '../../package.json' with { type: 'json' };
import { MANIFEST_ASSET, type Manifest } from '../../src/sea/manifest.ts';
import { bundleApp, bundleLoader } from './bundle.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const run = promisify(execFile);

/** Where the executable is written. */
export const BINARY = join(ROOT, 'dist/sortie');
const WORK = join(ROOT, 'dist/sea');
/** The fuse Node's SEA support looks for (doc/api/single-executable-applications.md). */
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';
/**
 * Options of the SEA configuration besides paths. No `useCodeCache`: the main script's cached code
 * has no dynamic `import()` (ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING), and the loader is small.
 */
const SEA_OPTIONS = { disableExperimentalSEAWarning: true };

/** What a build produced. */
export interface BuildResult {
  path: string;
  /** Build hash (16 hex digits), also printed by `sortie --version`. */
  hash: string;
  /** Size of the executable, bytes. */
  bytes: number;
  /** True when dist/sortie already had this build hash and was kept. */
  upToDate: boolean;
  /** Wall time of the build, ms. */
  ms: number;
}

/** 16 hex digits of the SHA-256 of the Node binary, the SEA options, the loader and every asset (name and content). */
function buildHash(loader: string, appDir: string, files: string[]): string {
  const h = createHash('sha256').update(readFileSync(process.execPath)).update(JSON.stringify(SEA_OPTIONS)).update(readFileSync(loader));
  for (const name of files) h.update(`\0${name}\0`).update(readFileSync(join(appDir, name)));
  return h.digest('hex').slice(0, 16);
}

/** The build hash `sortie --version` prints, or undefined when there is no working executable. */
async function installedHash(): Promise<string | undefined> {
  if (!existsSync(BINARY)) return undefined;
  try {
    return /\(build ([0-9a-f]{16})/.exec((await run(BINARY, ['--version'], { env: {} })).stdout)?.[1];
  } catch {
    return undefined;
  }
}

/**
 * Builds dist/sortie for this platform with the running Node (which must be 20.x with the SEA fuse).
 * @throws Error when bundling, blob generation or injection fails.
 */
export async function buildBinary(): Promise<BuildResult> {
  const started = performance.now();
  if (!process.version.startsWith('v20.')) throw new Error(`the executable embeds the running Node, which must be 20.x (uWS ABI 115); this is ${process.version}`);
  const appDir = join(WORK, 'app');
  const loader = join(WORK, 'main.cjs');
  const files = await bundleApp(appDir);
  await bundleLoader(loader);
  const hash = buildHash(loader, appDir, files);
  const done = (upToDate: boolean): BuildResult => ({ path: BINARY, hash, bytes: statSync(BINARY).size, upToDate, ms: Math.round(performance.now() - started) });
  if ((await installedHash()) === hash) return done(true);

  const manifest: Manifest = { hash, version: pkg.version, files: Object.fromEntries(files.map((f) => [f, statSync(join(appDir, f)).size])) };
  writeFileSync(join(WORK, MANIFEST_ASSET), JSON.stringify(manifest));
  const blob = join(WORK, 'sea-prep.blob');
  const config = {
    ...SEA_OPTIONS, main: loader, output: blob,
    assets: { [MANIFEST_ASSET]: join(WORK, MANIFEST_ASSET), ...Object.fromEntries(files.map((f) => [f, join(appDir, f)])) },
  };
  writeFileSync(join(WORK, 'sea-config.json'), JSON.stringify(config, null, 2));
  await run(process.execPath, ['--experimental-sea-config', join(WORK, 'sea-config.json')]);
  const temp = `${BINARY}.tmp`;
  copyFileSync(process.execPath, temp);
  chmodSync(temp, 0o755);
  // postject's CLI in a child process: its ELF library prints harmless "Can't find string offset" warnings, kept out of sight unless it fails.
  await run(process.execPath, [createRequire(import.meta.url).resolve('postject/dist/cli.js'), temp, 'NODE_SEA_BLOB', blob, '--sentinel-fuse', SEA_FUSE]);
  renameSync(temp, BINARY);
  return done(false);
}
