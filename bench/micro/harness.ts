import { Bench, type Fn, type FnReturnedObject, type Task } from 'tinybench';

/**
 * One micro-benchmark: `fn` is one operation. With `perSample` > 1 each tinybench sample runs
 * (or, for in-flight tasks, issues) that many operations and records the mean per operation,
 * so the timer's own cost (~70 ns per `performance.now()` here) does not swamp sub-microsecond work.
 */
export interface MicroTask {
  /** Unique row name in the table. */
  name: string;
  /** Operations per tinybench sample; default 1. p99 is then over per-sample means. */
  perSample?: number;
  fn: Fn;
}

/** A synchronous operation timed `n` times per sample; the sample is the mean per call, in ms. */
export function batched(name: string, n: number, op: () => unknown): MicroTask {
  return {
    name,
    perSample: n,
    fn: (): FnReturnedObject => {
      const t0 = performance.now();
      for (let i = 0; i < n; i++) op();
      const elapsed = performance.now() - t0;
      return { overriddenDuration: elapsed / n, overriddenIterationCost: elapsed };
    },
  };
}

/** An asynchronous operation that does `n` units of work; the sample is its wall time / n, in ms. */
export function amortized(name: string, n: number, op: () => Promise<unknown>): MicroTask {
  return {
    name,
    perSample: n,
    fn: async (): Promise<FnReturnedObject> => {
      const t0 = performance.now();
      await op();
      const elapsed = performance.now() - t0;
      return { overriddenDuration: elapsed / n, overriddenIterationCost: elapsed };
    },
  };
}

/**
 * `n` asynchronous operations started together (n in flight), then `after` (e.g. the fsync);
 * the sample is wall time / n, in ms: the per-operation cost under pipelining.
 */
export function inFlight(name: string, n: number, op: () => Promise<unknown>, after?: () => Promise<unknown>): MicroTask {
  return amortized(name, n, async () => {
    const all: Promise<unknown>[] = [];
    for (let i = 0; i < n; i++) all.push(op());
    await Promise.all(all);
    if (after !== undefined) await after();
  });
}

/** A row of the result table; times in µs. */
export interface Row {
  task: string;
  /** 1 / mean latency: operations per second of one caller doing this back to back (or n in flight). */
  opsPerSec: number;
  meanUs: number;
  p99Us: number;
  samples: number;
  perSample: number;
}

/**
 * Runs `tasks` in order with tinybench (`timeMs` per task after `warmupMs` of warm-up), calling
 * `onDone` with each task's row as soon as it finishes.
 * @throws Error naming the first task that failed (tinybench `throws: true`).
 */
export async function runTasks(tasks: readonly MicroTask[], timeMs: number, warmupMs: number, onDone: (row: Row) => void): Promise<void> {
  const bench = new Bench({ time: timeMs, warmupTime: warmupMs, throws: true });
  const perSample = new Map<string, number>();
  for (const t of tasks) {
    bench.add(t.name, t.fn);
    perSample.set(t.name, t.perSample ?? 1);
  }
  const toRow = (task: Task): Row => {
    const r = task.result;
    if (r.state !== 'completed') throw new Error(`${task.name}: ${r.state}`);
    return {
      task: task.name,
      opsPerSec: 1000 / r.latency.mean,
      meanUs: r.latency.mean * 1000,
      p99Us: r.latency.p99 * 1000,
      samples: r.latency.samplesCount,
      perSample: perSample.get(task.name) ?? 1,
    };
  };
  bench.addEventListener('cycle', (e) => { if (e.task !== undefined) onDone(toRow(e.task)); });
  await bench.run();
}

const fmt = (n: number): string =>
  n >= 100 ? Math.round(n).toLocaleString('en-US') : n >= 10 ? n.toFixed(1) : n >= 1 ? n.toFixed(2) : n.toFixed(3);

/** One markdown table line for `row`. */
export function rowLine(row: Row): string {
  return `| ${row.task} | ${fmt(row.opsPerSec)} | ${fmt(row.meanUs)} | ${fmt(row.p99Us)} | ${row.perSample} | ${row.samples.toLocaleString('en-US')} |`;
}

/** Header of the markdown table printed by `rowLine`. */
export const TABLE_HEADER = '| task | ops/s | mean µs | p99 µs | ops/sample | samples |\n|---|---:|---:|---:|---:|---:|';
