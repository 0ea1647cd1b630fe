import { Piscina } from 'piscina';
import { partitionOf } from '../core/partitioner.ts';
import type { ActorData } from './actor.ts';
import { BOOKING_DEFAULTS } from '../core/schemas/bookings.ts';
import type { BookingRules } from './handlers/types.ts';
import { actorUrl } from './actor-url.ts';

/** Settings of the partition actors. */
export interface PartitionOptions {
  /** Number of partitions P (each one actor thread), ≥ 1. */
  count: number;
  /** LMDB data directory, shared by every actor. */
  dataDir: string;
  /** Command batches in flight per actor; more lets LMDB group commits (DEPENDENCY-NOTES: ~1.7k/s at 1, ~36k/s at 64). */
  concurrency: number;
  /** Queued tasks (command batches) per partition before `run` rejects with `QueueFullError`. */
  maxQueue: number;
  /** Wait between two sweeps (dead sessions, expired idempotency records) on partition 0, ms (0 disables). */
  sweepEveryMs: number;
  /** Records a sweep examines per write transaction (SWEEP_BATCH). */
  sweepBatch: number;
  /** Booking deadlines; default BOOKING_DEFAULTS (15 min hold, 24 h after confirmation). */
  bookingRules?: BookingRules;
}

/** Thrown by `Partitions.run` when the partition's queue is full (map it to 503). */
export class QueueFullError extends Error {}

/**
 * P Piscina pools of exactly one thread each: partition actors, started by `start()` (none before).
 * `minThreads = maxThreads = 1` and `idleTimeout: Infinity` keep the one thread alive;
 * `atomics: 'disabled'` keeps its event loop running between tasks, so LMDB commits started by
 * one task complete while others are in flight.
 */
export class Partitions {
  private started: readonly Piscina[] = [];
  private next = 0;

  /** The pools, one per partition; empty until `start()`. */
  get pools(): readonly Piscina[] {
    return this.started;
  }

  constructor(readonly options: PartitionOptions) {}

  /**
   * Starts the actor threads (once; the store must be in this build's layout, see store/migrate.ts)
   * and resolves once every one has started and opened the store.
   */
  async start(): Promise<void> {
    const options = this.options;
    if (this.started.length === 0) this.started = Array.from({ length: options.count }, (_, partition) => {
      const workerData: ActorData = { dataDir: options.dataDir, partition, sweepEveryMs: options.sweepEveryMs, sweepBatch: options.sweepBatch, bookingRules: options.bookingRules ?? BOOKING_DEFAULTS };
      return new Piscina({
        filename: actorUrl,
        name: 'default',
        // Piscina's per-task timing histograms cost 15–30% of POST throughput (bench/RESULTS.md) and nothing reads them.
        recordTiming: false,
        minThreads: 1,
        maxThreads: 1,
        idleTimeout: Infinity,
        atomics: 'disabled',
        concurrentTasksPerWorker: options.concurrency,
        maxQueue: options.maxQueue,
        workerData,
      });
    });
    await Promise.all(this.pools.map((p) => p.run(null, { name: 'ready' })));
  }

  /** Partition of `key` (stable hash), or the next one round-robin when there is no key. */
  pick(key: string | undefined): number {
    if (key !== undefined) return partitionOf(key, this.options.count);
    this.next = (this.next + 1) % this.options.count;
    return this.next;
  }

  /**
   * Runs a packed command on partition `p` and resolves with the packed outcome.
   * @throws QueueFullError when that partition's queue is at `maxQueue`.
   */
  async run(p: number, task: Uint8Array): Promise<Uint8Array> {
    const pool = this.pools[p];
    if (pool === undefined) throw new RangeError(`no partition ${p} (started: ${this.pools.length > 0})`);
    try {
      return (await pool.run(task, { transferList: [task.buffer as ArrayBuffer] })) as Uint8Array;
    } catch (err) {
      if (err instanceof Error && err.message === 'Task queue is at limit') throw new QueueFullError(err.message);
      throw err;
    }
  }

  /** Every actor's prom-client series (`getMetricsAsJSON` form), one array per partition. */
  metrics(): Promise<unknown[]> {
    return Promise.all(this.pools.map((p) => p.run(null, { name: 'actorMetrics' }) as Promise<unknown>));
  }

  /** Commands waiting (not yet running) per partition. */
  queueDepths(): number[] {
    return this.pools.map((p) => p.queueSize);
  }

  /** Lets queued and running commands finish, then stops every actor thread. */
  async close(): Promise<void> {
    await Promise.all(this.pools.map((p) => p.close()));
  }
}
