import { packBytes, unpackBytes } from '../../src/core/codec.ts';
import { Problem } from '../../src/core/errors.ts';
import { partitionOf } from '../../src/core/partitioner.ts';
import { AreaCreate, AreaListQuery, type Area } from '../../src/core/schemas/areas.ts';
import { bodyValidator, queryValidator } from '../../src/core/validate.ts';
import { positiveIntParam, queryRecord } from '../../src/http/params.ts';
import { batched, type MicroTask } from './harness.ts';

const validArea = bodyValidator(AreaCreate);
const validQuery = queryValidator(AreaListQuery);

/** Runs `op`, which must throw a 400 Problem. */
function expect400(op: () => unknown): void {
  try {
    op();
  } catch (err) {
    if (err instanceof Problem && err.status === 400) return;
    throw err;
  }
  throw new Error('expected a 400 Problem');
}

/** Partitioner, request validation and parameter parsing: pure functions of src/core and src/http/params. */
export function coreTasks(body: AreaCreate): MicroTask[] {
  const keys = Array.from({ length: 1024 }, (_, i) => `area:${i * 7919}`);
  let k = 0;
  const bad = { name: '   ', type: 7, population: -1, colour: 'red' };
  return [
    batched('partitionOf("area:<id>", 2)', 1000, () => partitionOf(keys[k++ & 1023] as string, 2)),
    batched('validate AreaCreate body (valid)', 100, () => validArea(body)),
    batched('validate AreaCreate body (invalid, 4 errors → Problem)', 100, () => expect400(() => validArea(bad))),
    batched('validate AreaListQuery {type,after,limit}', 100, () => validQuery({ type: 'city', after: '500', limit: '100' })),
    batched('queryRecord("type=city&after=500&limit=100")', 100, () => queryRecord('type=city&after=500&limit=100')),
    batched('positiveIntParam("12345")', 1000, () => positiveIntParam('12345', 'id')),
    batched('positiveIntParam("12x") → 400 Problem', 100, () => expect400(() => positiveIntParam('12x', 'id'))),
  ];
}

/** JSON vs msgpackr (src/core/codec.ts) vs structured clone, on one area and on a 100-item page. */
export function codecTasks(area: Area, page: Area[]): MicroTask[] {
  const tasks: MicroTask[] = [];
  for (const [what, value, n] of [['area', area, 100], ['page of 100', page, 1]] as const) {
    const json = JSON.stringify(value);
    const bytes = packBytes(value);
    tasks.push(
      batched(`JSON.stringify ${what} (${json.length} B)`, n, () => JSON.stringify(value)),
      batched(`JSON.parse ${what}`, n, () => JSON.parse(json)),
      batched(`packBytes ${what} (msgpackr, ${bytes.length} B)`, n, () => packBytes(value)),
      batched(`unpackBytes ${what}`, n, () => unpackBytes(bytes)),
      batched(`structuredClone ${what}`, n, () => structuredClone(value)),
    );
  }
  return tasks;
}
