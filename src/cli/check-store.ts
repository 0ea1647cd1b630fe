/**
 * `npm run check:store`: checks every index db of the store of DATA_DIR against its records
 * (store/check/) and prints what disagrees: entries whose record is missing (`dangling`) or no
 * longer implies them (`stale`, `value`), and records missing from an index (`missing`).
 * Opens the store read-only, on one read snapshot: it may run beside a server using the same
 * DATA_DIR (LMDB readers never block the writer nor see a half-committed write).
 * Exit codes: 0 consistent, 1 inconsistencies found (listed on stdout), 2 no store, or a store of
 * another layout than this build's (start the server once to migrate an older one).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../config.ts';
import { checkStore, describe } from '../store/check/check.ts';
import { layoutOf } from '../store/layout.ts';
import { LAYOUT_VERSION } from '../store/migrations/index.ts';
import { openStore, type Store } from '../store/store.ts';

/** Most inconsistencies listed one per line; the rest are counted. */
const MAX_LINES = 1000;

function fail(message: string): never {
  process.stderr.write(`check:store: ${message}\n`);
  process.exit(2);
}

const { DATA_DIR } = loadConfig();
const path = join(DATA_DIR, 'sortie.mdb');
if (!existsSync(path)) fail(`no store at ${path} (DATA_DIR=${DATA_DIR})`);
let store: Store;
try {
  store = openStore(DATA_DIR, { readOnly: true });
} catch (err) {
  fail(`cannot open ${path} read-only (${(err as Error).message}): a store of an older layout lacks dbs of layout ${LAYOUT_VERSION}; start the server once to migrate it`);
}
const layout = layoutOf(store);
if (layout !== LAYOUT_VERSION) {
  await store.env.close();
  fail(`${path} has layout version ${layout ?? 'none (empty)'}; this build checks layout version ${LAYOUT_VERSION} (start the server once to migrate an older store)`);
}
const started = performance.now();
const { entries, problems } = checkStore(store);
await store.env.close();
const total = Object.values(entries).reduce((a, b) => a + b, 0);
const summary = `${Object.keys(entries).length} indexes, ${total} entries, ${Math.round(performance.now() - started)} ms`;
if (problems.length === 0) {
  process.stdout.write(`check:store: ${path} (layout ${layout}) is consistent: ${summary}\n`);
  process.exit(0);
}
const lines = problems.slice(0, MAX_LINES).map((p) => `  ${describe(p)}\n`).join('');
const more = problems.length > MAX_LINES ? `  … and ${problems.length - MAX_LINES} more\n` : '';
process.stdout.write(`check:store: ${problems.length} inconsistencies in ${path} (layout ${layout}; ${summary}):\n${lines}${more}`);
process.exit(1);
