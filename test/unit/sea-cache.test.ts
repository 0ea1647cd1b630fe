import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { cacheBase, extractAssets } from '../../src/sea/cache.ts';
import type { Manifest } from '../../src/sea/manifest.ts';

const base = mkdtempSync(join(tmpdir(), 'sortie-sea-cache-'));
after(() => rmSync(base, { recursive: true, force: true }));

const ASSETS: Record<string, Uint8Array> = { 'a.node': new Uint8Array([1, 2, 3]), 'b.js': new TextEncoder().encode('export {};\n') };
const manifest = (hash: string): Manifest => ({ hash, version: '0.0.0', files: Object.fromEntries(Object.entries(ASSETS).map(([k, v]) => [k, v.length])) });

/** Extracts with a reader that counts the assets read. */
function extract(hash: string, where = base): { dir: string; reads: number } {
  let reads = 0;
  const dir = extractAssets(where, manifest(hash), (name) => { reads++; return ASSETS[name] as Uint8Array; });
  return { dir, reads };
}

test('cacheBase: an absolute XDG_CACHE_HOME, else ~/.cache (a relative XDG_CACHE_HOME is ignored, as the XDG spec says)', () => {
  assert.equal(cacheBase({ XDG_CACHE_HOME: '/var/cache/x' }), '/var/cache/x');
  assert.equal(cacheBase({ XDG_CACHE_HOME: 'relative' }), join(homedir(), '.cache'));
  assert.equal(cacheBase({}), join(homedir(), '.cache'));
});

test('extracts once per build hash: the files with their bytes, addons executable; a second start reads nothing', () => {
  const first = extract('00000000000000a1');
  assert.equal(first.dir, join(base, 'sortie', '00000000000000a1'));
  assert.equal(first.reads, 2);
  assert.deepEqual(readFileSync(join(first.dir, 'b.js')), Buffer.from(ASSETS['b.js'] as Uint8Array));
  assert.equal(statSync(join(first.dir, 'a.node')).mode & 0o111, 0o111);
  assert.equal(statSync(join(first.dir, 'b.js')).mode & 0o111, 0);
  assert.equal(extract('00000000000000a1').reads, 0);
});

test('a damaged build folder (a file of the wrong size) is extracted again', () => {
  const { dir } = extract('00000000000000b2');
  writeFileSync(join(dir, 'a.node'), 'truncated');
  assert.equal(extract('00000000000000b2').reads, 2);
  assert.deepEqual(readFileSync(join(dir, 'a.node')), Buffer.from([1, 2, 3]));
});

test('other builds and stale temporary folders are removed; fresh temporary folders and foreign files are kept', () => {
  const root = join(base, 'sortie');
  mkdirSync(join(root, '0123456789abcdef'), { recursive: true });
  mkdirSync(join(root, '.00000000000000c3-stale'));
  const old = new Date(Date.now() - 2 * 3600_000);
  utimesSync(join(root, '.00000000000000c3-stale'), old, old);
  mkdirSync(join(root, '.00000000000000c3-fresh'));
  writeFileSync(join(root, 'notes.txt'), 'mine');
  extract('00000000000000c3');
  assert.deepEqual(readdirSync(root).sort(), ['.00000000000000c3-fresh', '00000000000000c3', 'notes.txt']);
});

test('an unwritable cache directory is a CacheError naming it and XDG_CACHE_HOME', { skip: process.getuid?.() === 0 && 'root writes anywhere (the binary test mounts a read-only tmpfs instead)' }, () => {
  const readOnly = mkdtempSync(join(tmpdir(), 'sortie-sea-ro-'));
  try {
    mkdirSync(join(readOnly, 'locked'), { mode: 0o555 });
    assert.throws(() => extract('00000000000000d4', join(readOnly, 'locked')), /cannot write its cache directory .*locked\/sortie \(EACCES\).*XDG_CACHE_HOME/);
  } finally {
    rmSync(readOnly, { recursive: true, force: true });
  }
});

test('a base that is a file, not a folder, is a CacheError too', () => {
  const file = join(base, 'a-file');
  writeFileSync(file, '');
  assert.throws(() => extract('00000000000000e5', file), /cannot write its cache directory .*a-file\/sortie \(ENOTDIR\)/);
});

test('a cache folder that others may write, or a link, is refused: it holds code that runs', () => {
  const shared = mkdtempSync(join(tmpdir(), 'sortie-sea-shared-'));
  try {
    mkdirSync(join(shared, 'sortie'));
    chmodSync(join(shared, 'sortie'), 0o777);
    assert.throws(() => extract('00000000000000f6', shared), /sortie: its cache directory .*\/sortie holds code that sortie runs.*mode 777/);
    rmSync(join(shared, 'sortie'), { recursive: true });
    symlinkSync(base, join(shared, 'sortie'));
    assert.throws(() => extract('00000000000000f6', shared), /holds code that sortie runs.*not a directory/);
  } finally {
    rmSync(shared, { recursive: true, force: true });
  }
});
