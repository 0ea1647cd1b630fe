import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { problems } from '../../core/errors.ts';
import type { Store } from '../../store/store.ts';

/** Where a backup went and how big it is. */
export interface BackupResult {
  /** Absolute path of the copied LMDB file. */
  path: string;
  bytes: number;
  created_at: string;
  duration_ms: number;
}

/**
 * Hot, consistent copies of the LMDB environment (`env.backup` = mdb_env_copy on a read snapshot,
 * run off the front thread by lmdb-js) under `<dataDir>/backups/<timestamp>/sortie.mdb`,
 * while the server keeps serving. One at a time.
 */
export class Backups {
  private running = false;

  constructor(private readonly store: Store, private readonly dataDir: string) {}

  /**
   * Takes a backup. Every write acknowledged before the call is in it.
   * @throws Problem 409 `backup-in-progress` while another backup runs.
   */
  async take(): Promise<BackupResult> {
    if (this.running) throw problems.conflict('backup-in-progress', 'A backup is already running; retry when it ends.');
    this.running = true;
    try {
      const started = Date.now();
      const at = new Date(started).toISOString();
      const path = join(this.dataDir, 'backups', at.replace(/:/g, '-'), 'sortie.mdb');
      await this.store.env.backup(path, false);
      const { size } = await stat(path);
      return { path, bytes: size, created_at: at, duration_ms: Date.now() - started };
    } finally {
      this.running = false;
    }
  }
}
