/**
 * The state of one fuzz run against one server: the seeded world (re-seeded when a successful fuzzed
 * write erased or deactivated part of it), the store digest after the last case, health checks, and
 * counts for the report. After every case it checks that a refused request (any 4xx, any refused
 * frame) and any read changed nothing stored — except the documented exceptions: the idempotency
 * record of a request that sent a key, and the revocation of a session whose used refresh token was
 * presented again (API.md, "Auth and users").
 */
import assert from 'node:assert/strict';
import type { TestServer } from '../server.ts';
import { changedDatabases, readStore, type Digest, type StoreReader } from './store-digest.ts';
import { isIntact, seedWorld, type World } from './world.ts';

/** What a case did, for the store check. */
export interface CaseEffect {
  /** Label of the case (route or command), for the report and failure messages. */
  label: string;
  /** One line describing the request, for failure messages. */
  what: string;
  /** Outcome, e.g. `201` or `ws 409`. */
  outcome: string;
  /** True when nothing stored may change: a refusal or a read. */
  mustNotWrite: boolean;
  /** Databases that may change anyway (the documented exceptions). */
  mayChange: ReadonlySet<string>;
}

/** Cases between two `GET /health` checks. */
const HEALTH_EVERY = 50;

export class Campaign {
  readonly counts = new Map<string, Map<string, number>>();
  reseeds = 0;
  private cases = 0;
  private digest: Digest;

  private constructor(private readonly server: TestServer, private readonly store: StoreReader, public world: World) {
    this.digest = store.digest();
  }

  /** Seeds a world on `server` and opens its store for reading. */
  static async start(server: TestServer): Promise<Campaign> {
    const world = await seedWorld(server);
    return new Campaign(server, readStore(server.dataDir), world);
  }

  /**
   * Checks the store after a case and counts it; after an accepted write, re-seeds the world when
   * it no longer reaches deep. Every HEALTH_EVERY cases, checks `GET /health`.
   * @returns true when the world was re-seeded (sockets must re-authenticate).
   */
  async after(e: CaseEffect): Promise<boolean> {
    const byOutcome = this.counts.get(e.label) ?? new Map<string, number>();
    byOutcome.set(e.outcome, (byOutcome.get(e.outcome) ?? 0) + 1);
    this.counts.set(e.label, byOutcome);
    const before = this.digest;
    // Kept before asserting: the cases fast-check runs while shrinking a failure compare with this.
    this.digest = this.store.digest();
    if (e.mustNotWrite) assert.deepEqual(changedDatabases(before, this.digest, e.mayChange), [], `${e.what} → ${e.outcome} changed stored data`);
    if (++this.cases % HEALTH_EVERY === 0) await this.health();
    if (e.mustNotWrite || await isIntact(this.server.url, this.world)) return false;
    this.world = await seedWorld(this.server);
    this.reseeds++;
    this.digest = this.store.digest();
    return true;
  }

  /** Asserts the server process runs and `GET /health` answers 200 `{"status":"ok"}`. */
  async health(): Promise<void> {
    assert.equal(this.server.proc.exitCode, null, 'the server process is running');
    const res = await fetch(`${this.server.url}/health`);
    assert.deepEqual({ status: res.status, body: await res.json() }, { status: 200, body: { status: 'ok' } }, 'GET /health');
  }

  /** Cases run so far. */
  get total(): number {
    return this.cases;
  }

  close(): Promise<void> {
    return this.store.close();
  }
}
