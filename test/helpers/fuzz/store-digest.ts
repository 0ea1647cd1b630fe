/**
 * Digests of what a running server has stored, read from its LMDB environment by this (test) process:
 * LMDB serves any number of reader processes beside the writer, and every read here starts a fresh
 * read transaction, so it sees each commit the server acknowledged. One SHA-256 per database of
 * `openStore`, so a new database is covered without touching this file; recomputed only when LMDB's
 * last transaction id moved.
 */
import { createHash } from 'node:crypto';
import { pack } from 'msgpackr';
import type { Database, Key } from 'lmdb';
import { openStore, type Store } from '../../../src/store/store.ts';

/** Per-database SHA-256 (hex) of every key and value, by database field name of `Store`. */
export type Digest = Record<string, string>;

/** The server's store, opened for reading, and how to digest it. */
export interface StoreReader {
  digest(): Digest;
  close(): Promise<void>;
}

/** Opens the store of a server running on `dataDir` (which the server created and keeps open). */
export function readStore(dataDir: string): StoreReader {
  const store = openStore(dataDir, { readOnly: true });
  const dbs = Object.entries(store).filter(([name]) => name !== 'env') as [keyof Store, Database<unknown, Key>][];
  let last: { txn: number; digest: Digest } | undefined;
  return {
    digest() {
      // LMDB's last committed transaction id (shared by every process): unchanged, nothing changed.
      const txn = (store.env.getStats() as { lastTxnId: number }).lastTxnId;
      if (last?.txn === txn) return last.digest;
      const out: Digest = {};
      store.env.resetReadTxn();
      for (const [name, db] of dbs) {
        const h = createHash('sha256');
        for (const { key, value } of db.getRange({})) h.update(pack([key, value]));
        out[name] = h.digest('hex');
      }
      last = { txn, digest: out };
      return out;
    },
    close: () => store.env.close(),
  };
}

/** Names of the databases whose digest differs between `a` and `b`, except those in `allowed`. */
export function changedDatabases(a: Digest, b: Digest, allowed: ReadonlySet<string> = new Set()): string[] {
  return Object.keys({ ...a, ...b }).filter((k) => a[k] !== b[k] && !allowed.has(k));
}
