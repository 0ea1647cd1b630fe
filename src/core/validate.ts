import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { Static, TSchema } from '@sinclair/typebox';
import { problems, type FieldError } from './errors.ts';

/** A compiled validator: returns the input typed, or throws a 400 `Problem` naming every bad field. */
export type Validator<T> = (input: unknown) => T;

function makeAjv(coerce: boolean): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: false, coerceTypes: coerce, useDefaults: coerce });
  addFormats.default(ajv, ['date-time', 'uri', 'email']);
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

function wrap<T>(fn: ValidateFunction, what: string): Validator<T> {
  return (input: unknown) => {
    if (fn(input)) return input as T;
    throw problems.invalid(dedupe(fieldErrors(fn.errors)), `The ${what} is invalid.`);
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
