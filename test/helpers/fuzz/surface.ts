/**
 * The attack surface of a running server as its own `GET /openapi.json` describes it: every HTTP
 * operation (method, path template, parameters, body schema) and every WebSocket command (`x-commands`)
 * with its args schema, `$ref`s resolved. A route or command added to the server is fuzzed without
 * touching the fuzzer.
 */

/** A JSON Schema node of the document (the JSON Schema 2020-12 subset TypeBox emits), `$ref`s resolved. */
export type SchemaNode = { readonly [k: string]: unknown };

/** One parameter of an operation. */
export interface ParamSpec {
  name: string;
  schema: SchemaNode;
}

/** One HTTP operation. */
export interface Operation {
  /** Upper-case method, e.g. `PATCH`. */
  method: string;
  /** Path template, e.g. `/partners/{id}/members/{user_id}`. */
  path: string;
  pathParams: ParamSpec[];
  query: ParamSpec[];
  /** Schema of the JSON body; undefined when the operation takes none. */
  body: SchemaNode | undefined;
  /** Documented as needing a bearer token. */
  auth: boolean;
}

/** One WebSocket command. */
export interface CommandSurface {
  name: string;
  args: SchemaNode;
}

/** What `/openapi.json` lists. */
export interface Surface {
  operations: Operation[];
  commands: CommandSurface[];
}

interface RawParam { name: string; in: string; schema: SchemaNode }
interface RawOperation { parameters?: RawParam[]; requestBody?: { content: Record<string, { schema: SchemaNode }> }; security?: unknown[] }

/** Replaces every `{"$ref": "#/components/schemas/X"}` in `node` by X (the document has no cycles). */
function resolve(node: unknown, components: Record<string, SchemaNode>): unknown {
  if (Array.isArray(node)) return node.map((n) => resolve(n, components));
  if (typeof node !== 'object' || node === null) return node;
  const ref = (node as { $ref?: unknown }).$ref;
  if (typeof ref === 'string') return resolve(components[ref.replace('#/components/schemas/', '')], components);
  return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, resolve(v, components)]));
}

/**
 * Fetches and flattens the OpenAPI document of the server at `baseUrl`.
 * @throws Error when the document cannot be fetched or has no paths.
 */
export async function readSurface(baseUrl: string): Promise<Surface> {
  const res = await fetch(`${baseUrl}/openapi.json`);
  if (res.status !== 200) throw new Error(`GET /openapi.json answered ${res.status}`);
  const doc = await res.json() as { paths: Record<string, Record<string, RawOperation>>; 'x-commands': Record<string, { args: SchemaNode }>; components: { schemas: Record<string, SchemaNode> } };
  const flat = resolve({ paths: doc.paths, commands: doc['x-commands'] }, doc.components.schemas) as { paths: typeof doc.paths; commands: typeof doc['x-commands'] };
  const operations: Operation[] = [];
  for (const [path, ops] of Object.entries(flat.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const params = op.parameters ?? [];
      const of = (where: string) => params.filter((p) => p.in === where).map((p) => ({ name: p.name, schema: p.schema }));
      operations.push({ method: method.toUpperCase(), path, pathParams: of('path'), query: of('query'),
        body: op.requestBody?.content['application/json']?.schema, auth: op.security !== undefined });
    }
  }
  if (operations.length === 0) throw new Error('/openapi.json lists no operation');
  return { operations, commands: Object.entries(flat.commands).map(([name, c]) => ({ name, args: c.args })) };
}
