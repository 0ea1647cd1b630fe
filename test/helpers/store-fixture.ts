import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { open } from 'lmdb';
import { LAYOUT_KEY } from '../../src/store/layout.ts';
import { tempDataDir } from './server.ts';

/** The layout-1 fixture store (test/fixtures/store-v1, written by its make.ts). */
export const STORE_V1 = new URL('../fixtures/store-v1/sortie.mdb', import.meta.url).pathname;

/** A fresh DATA_DIR (a temp dir, or `dir`) holding a copy of the layout-1 fixture. @returns the directory. */
export function storeV1Copy(dir = tempDataDir()): string {
  copyFileSync(STORE_V1, join(dir, 'sortie.mdb'));
  return dir;
}

/** Stamps the store of `dataDir` with layout `version` (as a build of that layout would have). */
export async function stampLayout(dataDir: string, version: number): Promise<void> {
  const env = open({ path: join(dataDir, 'sortie.mdb'), maxDbs: 64 });
  await env.openDB({ name: 'meta' }).put(LAYOUT_KEY, version);
  await env.close();
}
