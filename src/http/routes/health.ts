import { Type } from '@sinclair/typebox';
import { jsonValue } from '../reply.ts';
import type { Lifecycle, RouteDef } from '../router.ts';

const Health = Type.Object({ status: Type.Union([Type.Literal('ok'), Type.Literal('starting'), Type.Literal('stopping')]) }, { $id: 'Health' });

/**
 * `GET /health` (seed contract): 200 `{"status":"ok"}` once ready; 503 `starting` from the moment the
 * server listens until its warm-up is done (Lifecycle), 503 `stopping` on connections still open after SIGTERM.
 */
export function healthRoutes(lifecycle: Lifecycle): RouteDef[] {
  return [{
    method: 'get', pattern: '/health', duringStartup: true,
    handler: () => jsonValue({ status: lifecycle.state }, lifecycle.state === 'ok' ? 200 : 503),
    doc: { operationId: 'health', summary: 'Liveness and readiness.', tags: ['health'],
      responses: { 200: { description: 'Serving.', schema: Health }, 503: { description: 'Starting or stopping.', schema: Health } }, problems: [] },
  }];
}
