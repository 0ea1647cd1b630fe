/**
 * The single executable's asset cache: native addons and JavaScript bundles cannot run from inside
 * the executable, so they are written once per build into `<base>/sortie/<build hash>/` and loaded
 * from there. `<base>` is `$XDG_CACHE_HOME` (XDG Base Directory spec: only an absolute path counts),
 * else `~/.cache`, else the temp dir.
 */
import {
  accessSync, closeSync, constants, existsSync, fsyncSync, lstatSync, mkdirSync, mkdtempSync, openSync, readdirSync,
  renameSync, rmSync, statSync, writeSync,
} from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import type { Manifest } from './manifest.ts';

/** Thrown when the cache directory cannot be written, is not private to this user, or its files cannot be executed; the message says what to do. */
export class CacheError extends Error {}

/** Temporary extraction folders older than this are left-overs of a killed process (ms). */
const STALE_TEMP_MS = 60 * 60 * 1000;

/** A build's folder name: the 16 hex digits of its hash. */
const BUILD_DIR = /^[0-9a-f]{16}$/;

/** `$XDG_CACHE_HOME` when absolute, else `~/.cache` (home from HOME or the user database), else the temp dir. */
export function cacheBase(env: NodeJS.ProcessEnv): string {
  const xdg = env.XDG_CACHE_HOME;
  if (xdg !== undefined && isAbsolute(xdg)) return xdg;
  let home = '';
  try { home = homedir(); } catch { /* no HOME and no user database entry */ }
  return home !== '' ? join(home, '.cache') : tmpdir();
}

/**
 * Returns the folder holding `manifest`'s files, extracting them first when that build is not
 * cached yet (into a temporary sibling, each file fsynced, then renamed: a folder named after a
 * build is always complete). Removes the folders of other builds. The cache holds code that runs,
 * so `<base>/sortie` and the build's folder must be directories of this user that no one else may
 * write (in a shared temp dir, another user could otherwise plant addons). Uses sync fs calls: start-up only.
 * @param read the bytes of one asset, by name.
 * @throws CacheError when the folder cannot be created or written, belongs to someone else or
 *   others may write it, or lies on a `noexec` mount.
 */
export function extractAssets(base: string, manifest: Manifest, read: (name: string) => Uint8Array): string {
  const root = join(base, 'sortie');
  const dir = join(root, manifest.hash);
  writing(root, () => makeDir(root));
  checkPrivate(root);
  if (!isComplete(dir, manifest)) writing(root, () => extract(root, dir, manifest, read));
  checkPrivate(dir);
  removeOtherBuilds(root, manifest.hash);
  checkExecutable(dir, manifest);
  return dir;
}

/** Runs `write`, turning a file-system error into a CacheError naming `root`. */
function writing(root: string, write: () => void): void {
  try {
    write();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === undefined) throw err;
    throw new CacheError(`sortie: cannot write its cache directory ${root} (${code}): native addons and bundles are extracted there once per build. `
      + 'Set XDG_CACHE_HOME to a writable directory (the files go to $XDG_CACHE_HOME/sortie).');
  }
}

/** Writes the files of `manifest` into a temporary folder of `root`, then renames it to `dir`. */
function extract(root: string, dir: string, manifest: Manifest, read: (name: string) => Uint8Array): void {
  const temp = mkdtempSync(join(root, `.${manifest.hash}-`));
  for (const name of Object.keys(manifest.files)) writeDurably(join(temp, name), read(name), name.endsWith('.node') ? 0o755 : 0o644);
  syncDir(temp);
  if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
  try {
    renameSync(temp, dir);
  } catch (err) {
    // Another process started at the same time and renamed its copy first.
    rmSync(temp, { recursive: true, force: true });
    if (!isComplete(dir, manifest)) throw err;
  }
  syncDir(root);
}

/** @throws CacheError unless `path` is a directory (not a link) of this user that neither group nor others may write. */
function checkPrivate(path: string): void {
  const st = lstatSync(path);
  const uid = process.getuid?.();
  if (!st.isDirectory() || (uid !== undefined && st.uid !== uid) || (st.mode & 0o022) !== 0)
    throw new CacheError(`sortie: its cache directory ${path} holds code that sortie runs, so it must be a directory of user ${uid ?? '?'} that no one else may write; `
      + `it is ${st.isDirectory() ? `owned by user ${st.uid} with mode ${(st.mode & 0o777).toString(8)}` : 'not a directory'}. Remove it or set XDG_CACHE_HOME.`);
}

/** mkdir -p, except that the error of the last level is its own (a recursive mkdir says ENOENT on a read-only mount). */
function makeDir(dir: string): void {
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      mkdirSync(dirname(dir), { recursive: true });
      mkdirSync(dir, { mode: 0o700 });
    } else if (code !== 'EEXIST') throw err;
  }
}

/** True when `dir` holds every file of `manifest` with its size (a cheap check against truncation or tampering). */
function isComplete(dir: string, manifest: Manifest): boolean {
  return Object.entries(manifest.files).every(([name, size]) => {
    try { return statSync(join(dir, name)).size === size; } catch { return false; }
  });
}

/** Writes `bytes` to a new file with `mode` and fsyncs it. */
function writeDurably(path: string, bytes: Uint8Array, mode: number): void {
  const fd = openSync(path, 'wx', mode);
  try {
    for (let at = 0; at < bytes.length;) at += writeSync(fd, bytes, at);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Fsyncs a directory so that the entries created or renamed in it survive a crash. */
function syncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try { fsyncSync(fd); } finally { closeSync(fd); }
}

/** Best effort: removes other builds' folders and stale temporary ones; a running older build keeps what it has loaded. */
function removeOtherBuilds(root: string, hash: string): void {
  for (const entry of readdirSync(root)) {
    const path = join(root, entry);
    try {
      const stale = entry.startsWith('.') && Date.now() - statSync(path).mtimeMs > STALE_TEMP_MS;
      if ((BUILD_DIR.test(entry) && entry !== hash) || stale) rmSync(path, { recursive: true, force: true });
    } catch { /* another process removed it, or it is not ours to remove */ }
  }
}

/**
 * Linux `access(X_OK)` fails on a file of a `noexec` mount, where the dynamic loader could not map
 * the addons either. @throws CacheError
 */
function checkExecutable(dir: string, manifest: Manifest): void {
  const addon = Object.keys(manifest.files).find((name) => name.endsWith('.node'));
  if (addon === undefined) return;
  try {
    accessSync(join(dir, addon), constants.X_OK);
  } catch (err) {
    throw new CacheError(`sortie: cannot execute the native addons in its cache directory ${dir} (${(err as NodeJS.ErrnoException).code}): `
      + 'is it on a filesystem mounted noexec? Set XDG_CACHE_HOME to a directory where files may be executed.');
  }
}
