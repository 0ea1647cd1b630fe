import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { Static, TSchema } from '@sinclair/typebox';
import { problems, type FieldError } from './errors.ts';
import { isTimeZone } from './time/zones.ts';

/** A compiled validator: returns the input typed, or throws a 400 `Problem` naming every bad field. */
export type Validator<T> = (input: unknown) => T;

const rfc3339 = addFormats.default.get('date-time') as { validate: (s: string) => boolean };
/**
 * RFC 3339 `date-time` that `Date.parse` can read. RFC 3339 §5.7 allows a leap second
 * (`2026-06-30T23:59:60Z`), which ajv-formats accepts but JavaScript dates cannot represent (NaN):
 * every date-time the API takes is read with Date.parse, so such a value is a 400 like any bad one.
 */
const dateTime = (s: string): boolean => rfc3339.validate(s) && Number.isFinite(Date.parse(s));

function makeAjv(coerce: boolean): Ajv {
  // strictNumbers: NaN and ±Infinity (JSON `1e999`, msgpack floats) are not numbers, let alone integers.
  const ajv = new Ajv({ allErrors: true, strict: false, strictNumbers: true, coerceTypes: coerce, useDefaults: coerce });
  addFormats.default(ajv, ['uri', 'email']);
  ajv.addFormat('date-time', { type: 'string', validate: dateTime });
  ajv.addFormat('iana-timezone', { type: 'string', validate: isTimeZone });
  return ajv;
}

/** Bodies are validated as they are (no type coercion: `"5"` is not a number). */
const bodies = makeAjv(false);
/** Query strings arrive as text: coerce `"5"` to 5 and fill defaults. */
const queries = makeAjv(true);

/** Converts ajv errors to the `errors` member of a problem: JSON Pointer path and message. */
export function fieldErrors(errors: readonly ErrorObject[] | null | undefined): FieldError[] {
  return (errors ?? []).map((e) => {
    const params = e.params as { missingProperty?: string; additionalProperty?: string };
    if (e.keyword === 'required' && params.missingProperty !== undefined)
      return { path: `${e.instancePath}/${params.missingProperty}`, message: 'is required' };
    if (e.keyword === 'additionalProperties' && params.additionalProperty !== undefined)
      return { path: `${e.instancePath}/${params.additionalProperty}`, message: 'is not a known field' };
    if (e.keyword === 'pattern' && e.params && (e.params as { pattern?: string }).pattern === '\\S')
      return { path: e.instancePath, message: 'must not be blank' };
    return { path: e.instancePath, message: e.message ?? 'is invalid' };
  });
}

/**
 * A copy of `schema` without `$id`s. Our `$id`s only name OpenAPI components; left in, ajv registers
 * each one globally and refuses a second compile of a schema that was already compiled nested in
 * another (e.g. AreaPatch inside AreaUpdateArgs), making start-up depend on import order.
 */
function withoutIds(schema: unknown): object {
  return JSON.parse(JSON.stringify(schema), (key, value: unknown) => (key === '$id' ? undefined : value)) as object;
}

/** Members (object keys and array items, at every depth) a validated input may hold; no API input needs more. */
export const MAX_MEMBERS = 1000;
/** Field errors listed in one problem; the rest are summed up in its detail. */
export const MAX_FIELD_ERRORS = 50;

/** True when `value` holds more than `max` members in all; stops counting as soon as it knows. */
function tooBig(value: unknown, max: number): boolean {
  const stack: unknown[] = [value];
  let members = 0;
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v !== 'object' || v === null) continue;
    const children = Array.isArray(v) ? v : Object.values(v);
    members += children.length;
    if (members > max) return true;
    for (const c of children) stack.push(c);
  }
  return false;
}

function wrap<T>(fn: ValidateFunction, what: string): Validator<T> {
  return (input: unknown) => {
    // ajv with allErrors makes one error per bad member: without a bound, a 1 MiB body of unknown
    // fields costs ~170 ms of the front thread and a 3 MB answer.
    if (tooBig(input, MAX_MEMBERS)) throw problems.invalid([{ path: '', message: `must hold at most ${MAX_MEMBERS} members in all` }], `The ${what} is too large.`);
    if (fn(input)) return input as T;
    const errors = dedupe(fieldErrors(fn.errors));
    const more = errors.length > MAX_FIELD_ERRORS ? ` (${errors.length - MAX_FIELD_ERRORS} more errors not listed)` : '';
    throw problems.invalid(errors.slice(0, MAX_FIELD_ERRORS), `The ${what} is invalid.${more}`);
  };
}

/** Unions report one error per branch; keep one message per path and message. */
function dedupe(errors: FieldError[]): FieldError[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const k = `${e.path}\u0000${e.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/**
 * Compiles a JSON body (or command args) validator from a TypeBox schema.
 * @throws Problem 400 `validation-error` from the returned function.
 */
export function bodyValidator<S extends TSchema>(schema: S, what = 'request body'): Validator<Static<S>> {
  return wrap(bodies.compile(withoutIds(schema)), what);
}

/**
 * Compiles a query-string validator: input is a record of strings, numbers are coerced and defaults filled.
 * @throws Problem 400 `validation-error` from the returned function.
 */
export function queryValidator<S extends TSchema>(schema: S): Validator<Static<S>> {
  return wrap(queries.compile(withoutIds(schema)), 'query string');
}
