import { Type } from '@sinclair/typebox';
import { Area } from '../../core/schemas/areas.ts';
import type { RouteDef } from '../router.ts';
import type { Gateway } from './gateway.ts';
import { gatewayProblems } from './problems.ts';

const tags = ['gateway'];
const Aggregate = Type.Object({
  items: Type.Array(Area),
  aggregated_at: Type.String({ format: 'date-time', description: 'When the items were collected (ISO-8601 UTC).' }),
}, { $id: 'AreaAggregate' });

/** Routes of the Gateway seed contract (../shared/API.md, "Gateway"). */
export function gatewayRoutes(g: Gateway): RouteDef[] {
  return [
    {
      method: 'get', pattern: '/aggregate/areas',
      handler: (ctx) => g.aggregator.reply(ctx.header('traceparent')),
      doc: { operationId: 'aggregateAreas', summary: 'Every area (up to AGGREGATE_MAX_ITEMS) from UPSTREAM_URL/areas, or the local store when unset; cached.', tags,
        responses: { 200: { description: 'The areas; `Age` when served from memory.', schema: Aggregate, headers: { Age: 'Seconds since the answer was collected (RFC 9111), when served from memory.' } } },
        problems: [502, 503, 504] },
    },
    {
      method: 'any', pattern: '/proxy/*', forward: true,
      handler(ctx) {
        if (g.proxy === undefined) throw gatewayProblems.noUpstream();
        return g.proxy.handle(ctx);
      },
      doc: { operationId: 'proxy', summary: 'Forwarded to UPSTREAM_URL/* (any method); not describable in OpenAPI (a catch-all path).', tags,
        responses: { 200: { description: 'The upstream answer, relayed.' } }, problems: [400, 404, 413, 502, 503, 504] },
    },
  ];
}
