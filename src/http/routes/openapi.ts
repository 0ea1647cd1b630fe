import type { Reply } from '../reply.ts';
import type { RouteDef } from '../router.ts';

/** `GET /openapi.json`: the document built once at start (see http/openapi.ts). */
export function openApiRoute(document: () => string): RouteDef {
  let cached: Reply | undefined;
  return {
    method: 'get', pattern: '/openapi.json',
    handler: () => (cached ??= { status: 200, body: document() }),
    doc: { operationId: 'openapi', summary: 'This OpenAPI 3.1 document.', tags: ['meta'],
      responses: { 200: { description: 'OpenAPI document.' } }, problems: [] },
  };
}
