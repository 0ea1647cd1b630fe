import { randomBytes } from 'node:crypto';
import pLimit from 'p-limit';
import { hashPassword, needsRehash, verifyPassword, type ScryptParams } from '../../core/auth/password.ts';
import { problems } from '../../core/errors.ts';

/**
 * Hashes running at once. Each takes a libuv pool thread (4 by default, shared with fs and DNS:
 * pino writes through it) and 128 MiB at the OWASP cost; two keep both cores busy and leave the pool room.
 */
const CONCURRENCY = 2;
/** Hashes waiting beyond the running ones before a 503 (~0.3 s each at the OWASP cost: ~40 s of work). */
const MAX_WAITING = 256;

/**
 * Password hashing and checking for the front thread.
 *
 * Where it runs: node:crypto's async scrypt, on the libuv thread pool, so the event loop never
 * waits. Not in a partition actor: a handler runs synchronously inside the environment's single
 * LMDB write transaction, so ~0.3 s of scrypt there would stall every write of every partition.
 * The actor receives the finished hash in the command args.
 */
export class Passwords {
  private readonly limit = pLimit(CONCURRENCY);
  /** Hash of a random password at the current cost: what a login for an unknown email is checked against. */
  private readonly dummy: Promise<string>;

  constructor(private readonly params: ScryptParams) {
    this.dummy = hashPassword(randomBytes(16).toString('hex'), params);
  }

  /** Resolves once the dummy hash exists (call at start, so the first login is not slower). */
  async ready(): Promise<void> {
    await this.dummy;
  }

  /**
   * A new hash of `password` (PHC string with its parameters).
   * @throws Problem 503 `overloaded` when MAX_WAITING hashes are already queued.
   */
  hash(password: string): Promise<string> {
    return this.run(() => hashPassword(password, this.params));
  }

  /**
   * Checks `password` against `stored`, or, when there is no account (`undefined`), against a dummy
   * hash of the same cost and answers false: an unknown email takes as long as a wrong password.
   * @throws Problem 503 `overloaded` when MAX_WAITING checks are already queued.
   */
  async check(password: string, stored: string | undefined): Promise<boolean> {
    const phc = stored ?? (await this.dummy);
    const ok = await this.run(() => verifyPassword(password, phc));
    return ok && stored !== undefined;
  }

  /** True when `stored` was hashed at a lower cost than the current one (see core/auth/password.ts, needsRehash). */
  outdated(stored: string): boolean {
    return needsRehash(stored, this.params);
  }

  private run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.limit.pendingCount >= MAX_WAITING) return Promise.reject(problems.unavailable('overloaded', 'Too many password checks queued; retry shortly.', 2));
    return this.limit(fn);
  }
}
