import type { CommandEnvelope, CommandOutcome } from '../core/commands.ts';
import { packBytes, unpackBytes } from '../core/codec.ts';
import type { Partitions } from './partitions.ts';

interface Waiting {
  envelope: CommandEnvelope;
  resolve(outcome: CommandOutcome): void;
  reject(err: unknown): void;
}

/**
 * Groups the commands bound for one partition during one event-loop turn into one actor task:
 * one Piscina round trip, one msgpack encode each way and one LMDB transaction for the whole batch,
 * instead of one of each per command. Order within a partition is kept (arrival order).
 * The flush runs on `setImmediate`, after uWS has handed over every request read in this turn.
 */
export class CommandBatcher {
  private readonly queues: Waiting[][];
  private scheduled = false;

  /** @param maxBatch commands per task; a fuller queue is sent at once. */
  constructor(private readonly partitions: Partitions, private readonly maxBatch: number) {
    this.queues = Array.from({ length: partitions.options.count }, () => []);
  }

  /**
   * Queues `envelope` for partition `p`.
   * @returns its outcome once the batch is durable; rejects with the task's error (e.g. QueueFullError).
   */
  submit(p: number, envelope: CommandEnvelope): Promise<CommandOutcome> {
    return new Promise((resolve, reject) => {
      const queue = this.queues[p];
      if (queue === undefined) throw new RangeError(`no partition ${p}`);
      queue.push({ envelope, resolve, reject });
      if (queue.length >= this.maxBatch) this.send(p);
      else if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    for (let p = 0; p < this.queues.length; p++) this.send(p);
  }

  private send(p: number): void {
    const batch = (this.queues[p] as Waiting[]).splice(0);
    if (batch.length === 0) return;
    this.partitions.run(p, packBytes(batch.map((w) => w.envelope))).then(
      (bytes) => {
        const outcomes = unpackBytes<CommandOutcome[]>(bytes);
        batch.forEach((w, i) => w.resolve(outcomes[i] as CommandOutcome));
      },
      (err: unknown) => { for (const w of batch) w.reject(err); },
    );
  }
}
