import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { open, type Database, type RootDatabase } from 'lmdb';
import type { Area } from '../core/schemas/areas.ts';
import type { RefreshRecord, SessionRecord } from '../core/schemas/sessions.ts';
import type { UserRecord } from '../core/schemas/users.ts';

/**
 * Storage layout: one LMDB environment (`<DATA_DIR>/sortie.mdb`) shared by the front thread
 * (reads) and the partition actors (writes). Values are msgpackr-encoded (lmdb-js default).
 *
 * | db                | key                       | value                      |
 * |-------------------|---------------------------|----------------------------|
 * | areas             | id (number)               | Area                       |
 * | areas_by_type     | [type, id]                | null (index)               |
 * | areas_by_ref      | external_ref              | id (unique index)          |
 * | meta              | string                    | counters (`areas.next_id`) |
 * | idempotency       | [principal, key]          | IdempotencyRecord          |
 * | users             | id (UUIDv7)               | UserRecord                 |
 * | users_by_email    | normalised email          | user id (unique index)     |
 * | sessions          | [user_id, family id]      | SessionRecord              |
 * | refresh_tokens    | SHA-256 hex of the token  | RefreshRecord              |
 * | refresh_by_family | [family, issued_at, hash] | null (index)               |
 *
 * Durability: the environment keeps lmdb-js defaults `noSync: false`, `noMetaSync: false`,
 * `overlappingSync: true` (Linux default). A commit promise resolves once the transaction is
 * committed and visible; `env.flushed` resolves once LMDB has fsynced it. Writers await both
 * before acknowledging (see workers/actor.ts).
 */
export interface Store {
  env: RootDatabase;
  areas: Database<Area, number>;
  areasByType: Database<null, [string, number]>;
  areasByRef: Database<number, string>;
  meta: Database<number, string>;
  idempotency: Database<IdempotencyRecord, [string, string]>;
  users: Database<UserRecord, string>;
  usersByEmail: Database<string, string>;
  sessions: Database<SessionRecord, [string, string]>;
  refreshTokens: Database<RefreshRecord, string>;
  refreshByFamily: Database<null, [string, number, string]>;
}

/** A stored answer to an idempotent write; replayed to retries with the same key and body. */
export interface IdempotencyRecord {
  /** SHA-256 (hex) of command name + args: another body under the same key is a 409. */
  fingerprint: string;
  /** Epoch ms when first answered; the record stops answering after LIMITS.idempotencyTtlMs. */
  created_at: number;
  /** The packed CommandOutcome of the first execution. */
  outcome: Uint8Array;
}

/** Map size reserved up front (bytes); LMDB grows files lazily, this is address space. */
const MAP_SIZE = 64 * 1024 ** 3;

/**
 * Opens (creating if needed) the environment under `dataDir`. Call once per thread;
 * lmdb-js shares one environment per path across the threads of a process.
 * Uses sync fs calls: call at start-up, never from a request handler.
 */
export function openStore(dataDir: string): Store {
  mkdirSync(dataDir, { recursive: true });
  const env = open({ path: join(dataDir, 'sortie.mdb'), mapSize: MAP_SIZE, maxDbs: 32 });
  return {
    env,
    areas: env.openDB({ name: 'areas' }),
    areasByType: env.openDB({ name: 'areas_by_type' }),
    areasByRef: env.openDB({ name: 'areas_by_ref' }),
    meta: env.openDB({ name: 'meta' }),
    idempotency: env.openDB({ name: 'idempotency' }),
    users: env.openDB({ name: 'users' }),
    usersByEmail: env.openDB({ name: 'users_by_email' }),
    sessions: env.openDB({ name: 'sessions' }),
    refreshTokens: env.openDB({ name: 'refresh_tokens' }),
    refreshByFamily: env.openDB({ name: 'refresh_by_family' }),
  };
}
