/**
 * `npm run restore -- <backup> [--force]`: puts a backup made by `POST /admin/backup` in place as
 * the store of DATA_DIR, then checks that it opens. Run it with the server stopped.
 *
 * `<backup>` is the backup's `sortie.mdb` file or the folder holding it. When DATA_DIR already has
 * a store, `--force` is required; the old store is kept beside it as `sortie.mdb.replaced-<time>`.
 * Exit codes: 0 restored, 2 usage or refusal.
 */
import { copyFile, rename, rm, stat } from 'node:fs/promises';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { isSea } from 'node:sea';
import { loadConfig } from '../config.ts';
import { storeEntries } from '../metrics/front.ts';
import { openStore } from '../store/store.ts';

const STORE_FILE = 'sortie.mdb';

async function exists(path: string): Promise<boolean> {
  return stat(path).then(() => true, () => false);
}

function fail(message: string): never {
  process.stderr.write(`restore: ${message}\n`);
  process.exit(2);
}

const args = process.argv.slice(2);
const force = args.includes('--force');
const source = args.find((a) => !a.startsWith('--'));
// Named as it was run: inside the single executable, or through npm.
if (source === undefined) fail(`usage: ${isSea() ? 'sortie restore' : 'npm run restore --'} <backup sortie.mdb or its folder> [--force]`);

const from = (await stat(source).catch(() => fail(`no such backup: ${source}`))).isDirectory() ? join(source, STORE_FILE) : source;
if (!(await exists(from))) fail(`no ${STORE_FILE} in ${source}`);
const { DATA_DIR } = loadConfig();
mkdirSync(DATA_DIR, { recursive: true });
const target = join(DATA_DIR, STORE_FILE);
if (await exists(target)) {
  if (!force) fail(`${target} exists; stop the server and pass --force to replace it (the old store is kept aside)`);
  const aside = `${target}.replaced-${new Date().toISOString().replace(/:/g, '-')}`;
  await rename(target, aside);
  process.stdout.write(`kept the old store as ${aside}\n`);
}
await rm(`${target}-lock`, { force: true });
await copyFile(from, target);
const store = openStore(DATA_DIR);
const entries = storeEntries(store);
await store.env.close();
process.stdout.write(`restored ${from} into ${target}: ${JSON.stringify(entries)}\n`);
