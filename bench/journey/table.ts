import type { PhaseResult, StepResult } from './plan.ts';

/** Issue 8: every step of the journey at 200 virtual users. */
export const AIMS = { p95Ms: 10, p99Ms: 20, bookingsPerSec: 5000 } as const;

/** Statuses that are answers of the contract to what a user asked, not failures: 409 (quota, per-user limit, state), 422 (offer not active). */
const REFUSALS = new Set([409, 422]);

export const TABLE_HEADER = [
  '| phase | step | answers | answers/s | p50 ms | p95 ms | p99 ms | max ms | statuses | errors | aims (issue 8) |',
  '|---|---|--:|--:|--:|--:|--:|--:|---|--:|---|',
].join('\n');

/** Answers with a status that is neither 2xx nor a refusal of the contract, plus requests with no answer. */
export function errorsOf(s: StepResult): number {
  let n = s.failed;
  for (const [status, count] of Object.entries(s.statuses)) if (Number(status) >= 300 && !REFUSALS.has(Number(status))) n += count;
  return n;
}

/** 2xx answers per second of the measured window. */
export const successPerSec = (s: StepResult, seconds: number): number =>
  Object.entries(s.statuses).reduce((n, [status, count]) => n + (Number(status) < 300 ? count : 0), 0) / seconds;

/** `p95 < 10 ms ✓, p99 < 20 ms ✗`, plus the bookings/s aim for the throughput phases. */
function aims(p: PhaseResult, s: StepResult): string {
  const mark = (ok: boolean, text: string) => `${text} ${ok ? '✓' : '✗'}`;
  const out = [mark(s.p95Ms < AIMS.p95Ms, `p95 < ${AIMS.p95Ms} ms`), mark(s.p99Ms < AIMS.p99Ms, `p99 < ${AIMS.p99Ms} ms`)];
  if (p.phase !== 'journey') {
    const rate = successPerSec(s, p.seconds);
    out.push(mark(rate >= AIMS.bookingsPerSec, `${Math.round(rate).toLocaleString('en-US')} durable bookings/s ≥ ${AIMS.bookingsPerSec / 1000}k`));
  }
  if (errorsOf(s) > 0) out.push('errors ✗');
  return out.join(', ');
}

/** The markdown rows of `phases`, one per step. */
export function tableRows(phases: readonly PhaseResult[]): string[] {
  const ms = (v: number) => v.toFixed(2);
  return phases.flatMap((p) => p.steps.map((s) => {
    const statuses = Object.entries(s.statuses).map(([status, n]) => `${status}: ${n.toLocaleString('en-US')}`).join(', ');
    return `| ${p.phase} | ${s.step} | ${s.count.toLocaleString('en-US')} | ${Math.round(s.perSec).toLocaleString('en-US')} | ${ms(s.p50Ms)} | ${ms(s.p95Ms)} `
      + `| ${ms(s.p99Ms)} | ${ms(s.maxMs)} | ${statuses} | ${errorsOf(s)} | ${aims(p, s)} |`;
  }));
}

/**
 * One line per phase: its measured window, the CPU the server and the load generator used in it (in
 * cores of the machine's 2), the machine's load and CPU pressure (bench/journey/cpu.ts), and its notes
 * (e.g. searches with nothing bookable).
 */
export function phaseNotes(phases: readonly PhaseResult[]): string[] {
  const cores = (v: number | undefined) => (v === undefined ? 'unknown' : v.toFixed(2));
  return phases.map((p) => {
    const notes = Object.entries(p.notes).map(([k, n]) => `; ${k}: ${n.toLocaleString('en-US')}`).join('');
    return `- ${p.phase}: ${p.seconds.toFixed(1)} s measured; CPU used: server ${cores(p.cpu.server)} cores, load generator ${cores(p.cpu.generator)}; load average ${p.loadAverage.toFixed(1)}, CPU pressure ${p.cpuPressure === undefined ? 'unknown' : `${p.cpuPressure.toFixed(0)}%`}${notes}`;
  });
}
