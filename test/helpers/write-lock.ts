/**
 * Holds the LMDB write lock of a store from another process, as any other writer of the same
 * environment would (LMDB serialises writers across processes): `node --import tsx
 * test/helpers/write-lock.ts <sortie.mdb> <release file>` opens the environment, begins a write
 * transaction, prints `locked`, and commits it (writing nothing) once `<release file>` exists, or
 * after 30 s at most. Tests use it to keep a server's command in flight for as long as they need.
 */
import { existsSync } from 'node:fs';
import { open } from 'lmdb';

/** Longest hold, ms: a test that forgets to release does not hang. */
const MAX_HOLD_MS = 30_000;
const [path, release] = process.argv.slice(2);
if (path === undefined || release === undefined) throw new Error('usage: write-lock.ts <sortie.mdb> <release file>');
const env = open({ path, maxDbs: 64 });
const sleep = new Int32Array(new SharedArrayBuffer(4));
env.transactionSync(() => {
  process.stdout.write('locked\n');
  const end = Date.now() + MAX_HOLD_MS;
  // Synchronous on purpose: the transaction stays open only inside this callback.
  while (!existsSync(release) && Date.now() < end) Atomics.wait(sleep, 0, 0, 10);
});
await env.close();
