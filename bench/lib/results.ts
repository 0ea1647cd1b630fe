import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { WrkResult } from './wrk.ts';

/** One measured row: a scenario at one connection count. */
export interface Row extends WrkResult {
  scenario: string;
  connections: number;
  /** req/s of this row over the ceiling's at the same connection count (undefined for the ceiling itself). */
  ofCeiling: number | undefined;
  /** The aims this row is held to, met or missed, e.g. `p99 < 10 ms ✓`. */
  aims: string;
  /** 1-minute load average when the row was measured (ours is ~2: server + wrk): how noisy the machine was. */
  load: number;
}

export const TABLE_HEADER = [
  '| scenario | conns | req/s | p50 ms | p95 ms | p99 ms | errors | of ceiling | load avg | aims (issue 2) |',
  '|---|--:|--:|--:|--:|--:|--:|--:|--:|---|',
].join('\n');

/** A markdown table row; `errors` is status ≥ 400 plus socket errors. */
export function tableRow(r: Row): string {
  const ms = (v: number) => v.toFixed(2);
  const ratio = r.ofCeiling === undefined ? '—' : `${Math.round(r.ofCeiling * 100)}%`;
  return `| ${r.scenario} | ${r.connections} | ${Math.round(r.reqPerSec).toLocaleString('en-US')} | ${ms(r.p50Ms)} | ${ms(r.p95Ms)} `
    + `| ${ms(r.p99Ms)} | ${r.badStatus + r.socketErrors} | ${ratio} | ${r.load.toFixed(1)} | ${r.aims} |`;
}

/**
 * Replaces the section that starts with the line `heading` (up to the next `## ` heading) in the
 * markdown file `file` by `heading` + `body`, or appends it when absent. Other sections are kept.
 */
export function writeSection(file: string, heading: string, body: string): void {
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmark results\n';
  const lines = text.split('\n');
  const start = lines.indexOf(heading);
  const section = `${heading}\n\n${body.trimEnd()}\n`;
  if (start === -1) {
    writeFileSync(file, `${text.trimEnd()}\n\n${section}`);
    return;
  }
  const next = lines.findIndex((l, i) => i > start && l.startsWith('## '));
  const before = lines.slice(0, start).join('\n');
  const after = next === -1 ? '' : `\n${lines.slice(next).join('\n')}`;
  writeFileSync(file, `${before}${before === '' ? '' : '\n'}${section}${after}`);
}
