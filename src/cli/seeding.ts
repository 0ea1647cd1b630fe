import { SingleBar } from 'cli-progress';
import type { Config } from '../config.ts';
import { Backups } from '../http/admin/backup.ts';
import { migrateStore } from '../store/migrate.ts';
import { openStore, type Store } from '../store/store.ts';
import { CommandBus } from '../workers/command-bus.ts';
import { Partitions } from '../workers/partitions.ts';

/**
 * What the seeding CLIs (`seed:cities`, `seed:demo`) share: the in-process command path
 * (store + partition actors + CommandBus, as the server has), a window of commands in flight, a
 * progress bar, and the exit protocol: 0 done; 1 a command failed unexpectedly; 130 interrupted
 * (SIGINT/SIGTERM: the commands in flight finish first, so what is stored stays whole).
 */
export class SeedRun {
  readonly store: Store;
  readonly bus: CommandBus;
  private readonly partitions: Partitions;
  /** Set by SIGINT/SIGTERM: the window stops taking new items. */
  interrupted = false;
  /** The first unexpected error of an item: the window stops taking new items. */
  failure: unknown;

  /** @param name the CLI's name, e.g. `seed:cities`, used in every line it prints. */
  constructor(readonly name: string, readonly config: Config) {
    this.store = openStore(config.DATA_DIR);
    this.partitions = new Partitions({
      count: config.PARTITIONS, dataDir: config.DATA_DIR, concurrency: config.ACTOR_CONCURRENCY,
      maxQueue: config.ACTOR_MAX_QUEUE, sweepEveryMs: 0, sweepBatch: config.SWEEP_BATCH,
    });
    this.bus = new CommandBus(this.partitions);
    const stop = () => { this.interrupted = true; };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  }

  /**
   * Brings the store to this build's layout as the server does at start (store/migrate.ts: stamps a
   * new store; backs up and migrates an older one), then starts the partition actors.
   */
  async ready(): Promise<void> {
    const log = { info: (fields: Record<string, unknown>, msg: string) => process.stdout.write(`${this.name}: ${msg} ${JSON.stringify(fields)}\n`) };
    await migrateStore(this.store, { log, backup: () => new Backups(this.store, this.config.DATA_DIR).take() });
    await this.partitions.start();
  }

  /**
   * Runs `work` on each item with `size` loops pulling from one shared iterator: at most `size`
   * items in progress at once. An error thrown by `work` is
   * kept in `failure` and stops the window, as does an interruption; items in progress finish.
   */
  async inWindow<T>(items: Iterable<T>, size: number, work: (item: T) => Promise<void>): Promise<void> {
    const pending = items[Symbol.iterator]();
    const next = (): IteratorResult<T> => (this.interrupted || this.failure !== undefined ? { done: true, value: undefined } : pending.next());
    await Promise.all(Array.from({ length: size }, async () => {
      for (let r = next(); r.done !== true; r = next()) {
        try {
          await work(r.value);
        } catch (err) {
          this.failure ??= err;
        }
      }
    }));
  }

  /**
   * A progress bar on stderr (a plain line every 2 s when stderr is not a TTY), sampling `count()`
   * every 250 ms; its ETA averages the last 20 samples (5 s).
   * @param noun what is counted, e.g. `cities`; `rateNoun` what the rate counts, e.g. `areas`.
   */
  progress(total: number, noun: string, rateNoun: string, count: () => number): Progress {
    return new Progress(`${this.name} [{bar}] {percentage}% {value}/{total} ${noun} | {rate} ${rateNoun}/s | {eta_formatted} left`, total, count);
  }

  /**
   * Stops the actors, closes the store, reports `failure` (after `done` items) and exits with 1 on a
   * failure, 130 when interrupted, else 0.
   */
  async exit(done: number, what: string): Promise<never> {
    await this.partitions.close();
    await this.store.env.close();
    if (this.failure !== undefined) {
      process.stderr.write(`${this.name} failed after ${done} ${what}: ${this.failure instanceof Error ? this.failure.stack : String(this.failure)}\n`);
      process.exit(1);
    }
    process.exit(this.interrupted ? 130 : 0);
  }
}

/** A running progress bar (SeedRun.progress). */
export class Progress {
  private readonly bar: SingleBar;
  private readonly ticker: NodeJS.Timeout;
  private readonly started = performance.now();

  constructor(format: string, total: number, private readonly count: () => number) {
    this.bar = new SingleBar({ format, noTTYOutput: true, notTTYSchedule: 2000, etaBuffer: 20 });
    this.bar.start(total, 0, { rate: 0 });
    this.ticker = setInterval(() => { if (this.count() > 0) this.update(); }, 250);
  }

  /** Seconds since the bar started. */
  get seconds(): number {
    return (performance.now() - this.started) / 1000;
  }

  /** Items per second since the start. */
  get rate(): number {
    return Math.round(this.count() / this.seconds);
  }

  /** Shows the final count and stops the bar. @returns the seconds it ran. */
  stop(): number {
    const seconds = this.seconds;
    clearInterval(this.ticker);
    this.update();
    this.bar.stop();
    return seconds;
  }

  private update(): void {
    this.bar.update(this.count(), { rate: this.rate });
  }
}
