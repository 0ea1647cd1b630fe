import { loadavg } from 'node:os';
import { build, type Histogram } from 'hdr-histogram-js';
import { cpuPressure, ownCpuSeconds, processCpuSeconds } from './cpu.ts';
import type { Phase, PhaseResult, StepResult } from './plan.ts';

/** Latencies are recorded in µs, from 1 µs to 60 s, with 3 significant digits (HdrHistogram). */
const HIGHEST_US = 60_000_000;

interface Step { histogram: Histogram; statuses: Map<number, number>; failed: number }

/**
 * Per-step latency histograms and status counts of one phase. Only requests sent between `start()`
 * and `stop()` count (the warm-up before it is load, not measurement).
 */
export class PhaseRecorder {
  private readonly steps = new Map<string, Step>();
  private readonly notes = new Map<string, number>();
  private startedAt = Number.POSITIVE_INFINITY;
  private stoppedAt = Number.POSITIVE_INFINITY;
  /** CPU seconds of the server and of this process at `start()` and `stop()`. */
  private cpuAtStart: [number | undefined, number] = [undefined, 0];
  private cpuAtStop: [number | undefined, number] | undefined;

  /** @param serverPid the server's process id, whose CPU time is read at `start()` and `stop()`. */
  constructor(private readonly serverPid: number) {}

  private cpuNow(): [number | undefined, number] {
    return [processCpuSeconds(this.serverPid), ownCpuSeconds()];
  }

  /** Starts the measured window (now, `performance.now()` ms); what was recorded before is forgotten. */
  start(): void {
    this.steps.clear();
    this.notes.clear();
    this.cpuAtStart = this.cpuNow();
    this.startedAt = performance.now();
  }

  /** Ends the measured window: requests sent from now on do not count (answers to earlier ones still do). */
  stop(): void {
    this.stoppedAt = performance.now();
    this.cpuAtStop = this.cpuNow();
  }

  /** True when a request sent at `sentAt` (ms, `performance.now()`) belongs to the measured window. */
  private counts(sentAt: number): boolean {
    return sentAt >= this.startedAt && sentAt < this.stoppedAt;
  }

  private step(name: string): Step {
    let s = this.steps.get(name);
    if (s === undefined) {
      s = { histogram: build({ lowestDiscernibleValue: 1, highestTrackableValue: HIGHEST_US, numberOfSignificantValueDigits: 3 }), statuses: new Map(), failed: 0 };
      this.steps.set(name, s);
    }
    return s;
  }

  /** Records an answer of `step` with `status`, sent at `sentAt` and received now (ms, `performance.now()`). */
  answer(step: string, status: number, sentAt: number): void {
    if (!this.counts(sentAt)) return;
    const s = this.step(step);
    s.histogram.recordValue(Math.min(HIGHEST_US, Math.max(1, Math.round((performance.now() - sentAt) * 1000))));
    s.statuses.set(status, (s.statuses.get(status) ?? 0) + 1);
  }

  /** Records a request of `step` sent at `sentAt` that got no answer. */
  failure(step: string, sentAt: number): void {
    if (this.counts(sentAt)) this.step(step).failed++;
  }

  /** Counts one `name` event at `at` (ms, `performance.now()`). */
  note(name: string, at: number): void {
    if (this.counts(at)) this.notes.set(name, (this.notes.get(name) ?? 0) + 1);
  }

  /**
   * The phase's figures over the measured window (`start()` to `stop()`, or now), steps in the order of
   * `order` (then any other, in the order first seen).
   */
  result(phase: Phase, order: readonly string[]): PhaseResult {
    const seconds = (Math.min(this.stoppedAt, performance.now()) - this.startedAt) / 1000;
    const ms = (h: Histogram, p: number) => h.getValueAtPercentile(p) / 1000;
    const steps: StepResult[] = [...this.steps].map(([step, { histogram: h, statuses, failed }]) => ({
      step,
      count: h.totalCount,
      perSec: h.totalCount / seconds,
      p50Ms: ms(h, 50),
      p95Ms: ms(h, 95),
      p99Ms: ms(h, 99),
      maxMs: h.maxValue / 1000,
      statuses: Object.fromEntries([...statuses].sort(([a], [b]) => a - b)),
      failed,
    }));
    const rank = (step: string) => { const i = order.indexOf(step); return i === -1 ? order.length : i; };
    steps.sort((a, b) => rank(a.step) - rank(b.step));
    const [serverEnd, ownEnd] = this.cpuAtStop ?? this.cpuNow();
    const [serverStart, ownStart] = this.cpuAtStart;
    const cpu = {
      server: serverEnd === undefined || serverStart === undefined ? undefined : (serverEnd - serverStart) / seconds,
      generator: (ownEnd - ownStart) / seconds,
    };
    return { phase, seconds, steps, notes: Object.fromEntries(this.notes), cpu, loadAverage: loadavg()[0] ?? 0, cpuPressure: cpuPressure() };
  }
}
