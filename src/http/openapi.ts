import { STATUS_CODES } from 'node:http';
import { Type, type TSchema } from '@sinclair/typebox';
import { commands } from '../core/commands.ts';
import type { RouteDef } from './router.ts';

/** RFC 9457 problem details, as every error reply carries. */
const ProblemSchema = Type.Object({
  type: Type.String({ format: 'uri' }),
  title: Type.String(),
  status: Type.Integer({ minimum: 400, maximum: 599 }),
  detail: Type.Optional(Type.String()),
  errors: Type.Optional(Type.Array(Type.Object({ path: Type.String(), message: Type.String() }))),
}, { $id: 'Problem' });

/**
 * Converts TypeBox schemas to OpenAPI 3.1 schema objects (JSON Schema 2020-12):
 * every subschema with a `$id` goes to `components.schemas` once and is referenced.
 */
class SchemaRegistry {
  readonly components: Record<string, unknown> = {};

  ref(schema: TSchema): unknown {
    return this.convert(JSON.parse(JSON.stringify(schema)) as Record<string, unknown>);
  }

  private convert(node: unknown): unknown {
    if (Array.isArray(node)) return node.map((n) => this.convert(n));
    if (typeof node !== 'object' || node === null) return node;
    const obj = { ...(node as Record<string, unknown>) };
    const id = obj.$id;
    delete obj.$id;
    for (const [k, v] of Object.entries(obj)) obj[k] = this.convert(v);
    if (typeof id !== 'string') return obj;
    this.components[id] ??= obj;
    return { $ref: `#/components/schemas/${id}` };
  }
}

/**
 * Builds the OpenAPI 3.1 document from the route table: paths, parameters, bodies and
 * responses come from the same TypeBox schemas the server validates with, so they cannot drift.
 */
export function buildOpenApi(routes: readonly RouteDef[], version: string): Record<string, unknown> {
  const schemas = new SchemaRegistry();
  const problemRef = schemas.ref(ProblemSchema);
  const paths: Record<string, Record<string, unknown>> = {};
  // An any-method catch-all (`/proxy/*`) has no OpenAPI form: path templates cannot span segments.
  for (const r of routes) {
    if (r.method === 'any') continue;
    const path = r.pattern.replace(/:([A-Za-z_]+)/g, '{$1}');
    const d = r.doc;
    const parameters: unknown[] = [];
    for (const [name, schema] of Object.entries(d.pathParams ?? {}))
      parameters.push({ name, in: 'path', required: true, schema: schemas.ref(schema) });
    if (d.query !== undefined)
      for (const [name, schema] of Object.entries(d.query.properties))
        parameters.push({ name, in: 'query', required: (d.query.required ?? []).includes(name), schema: schemas.ref(schema as TSchema) });
    if (r.write === true && d.idempotencyKey !== false)
      parameters.push({ name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', maxLength: 255 },
        description: 'A retry with the same key and body within 24 h returns the first response.' });
    const responses: Record<string, unknown> = {};
    for (const [status, resp] of Object.entries(d.responses)) {
      const out: Record<string, unknown> = { description: resp.description };
      if (resp.schema !== undefined) out.content = { 'application/json': { schema: schemas.ref(resp.schema) } };
      if (resp.headers !== undefined)
        out.headers = Object.fromEntries(Object.entries(resp.headers).map(([h, description]) => [h, { description, schema: { type: 'string' } }]));
      responses[status] = out;
    }
    // Every public request passes the gate: a bad bearer token is a 401, a full window a 429; and
    // every route but /health answers 503 `starting` until the server is ready (router.ts, Lifecycle).
    for (const status of new Set([...d.problems, 401, 429, ...(r.duringStartup === true ? [] : [503])]))
      responses[String(status)] = { description: STATUS_CODES[status] ?? 'Error', content: { 'application/problem+json': { schema: problemRef } } };
    const op: Record<string, unknown> = { operationId: d.operationId, summary: d.summary, tags: d.tags, responses };
    if (parameters.length > 0) op.parameters = parameters;
    if (d.auth === true) op.security = [{ bearer: [] }];
    if (d.body !== undefined) op.requestBody = { required: true, content: { 'application/json': { schema: schemas.ref(d.body) } } };
    (paths[path] ??= {})[r.method === 'del' ? 'delete' : r.method] = op;
  }
  const xCommands = Object.fromEntries(Object.values(commands).filter((c) => c.access !== 'server')
    .map((c) => [c.name, { summary: c.summary, args: schemas.ref(c.args), authenticated: c.access !== 'public' }]));
  return {
    openapi: '3.1.0',
    info: {
      title: 'sortie', version,
      description: 'Local outings API (v1). WebSocket at GET /ws; see API.md. Replies carry RateLimit-Limit, RateLimit-Remaining and RateLimit-Reset when rate limiting is on.',
    },
    paths,
    // WebSocket `command` frames (API.md, "WebSocket"): every client command with its args schema.
    'x-commands': xCommands,
    components: { schemas: schemas.components, securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
  };
}
