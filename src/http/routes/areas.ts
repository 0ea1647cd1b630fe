import { Type } from '@sinclair/typebox';
import { problems } from '../../core/errors.ts';
import { Area, AreaCreate, AreaListQuery, AreaPatch } from '../../core/schemas/areas.ts';
import { LIMITS } from '../../core/schemas/common.ts';
import { bodyValidator, queryValidator } from '../../core/validate.ts';
import type { CommandBus } from '../../workers/command-bus.ts';
import type { AreaReads } from '../reads/areas.ts';
import { commandMeta, nextLink, positiveIntParam, queryRecord, replayedHeader } from '../params.ts';
import { json, jsonValue, type Reply } from '../reply.ts';
import type { RouteDef } from '../router.ts';

const validQuery = queryValidator(AreaListQuery);
const validPatch = bodyValidator(AreaPatch);
const idParam = { id: Type.Integer({ minimum: 1, description: 'Area id.' }) };
const tags = ['areas'];

/** Routes of the Areas seed contract (../shared/API.md, "Areas"). */
export function areaRoutes(bus: CommandBus, reads: AreaReads): RouteDef[] {
  const notFound = (id: number) => problems.notFound(`Area ${id} does not exist.`);

  return [
    {
      method: 'get', pattern: '/areas/:id',
      handler(ctx): Reply {
        const id = positiveIntParam(ctx.params[0] ?? '', 'id');
        const body = reads.get(id);
        if (body === undefined) throw notFound(id);
        return json(body);
      },
      doc: { operationId: 'getArea', summary: 'Get one area.', tags, pathParams: idParam,
        responses: { 200: { description: 'The area.', schema: Area } }, problems: [400, 404] },
    },
    {
      method: 'get', pattern: '/areas',
      handler(ctx): Reply {
        const q = validQuery(queryRecord(ctx.query));
        const limit = q.limit ?? LIMITS.pageDefault;
        const page = reads.page(q.after ?? 0, limit, q.type);
        return page.next === undefined ? json(page.body) : json(page.body, 200, { Link: nextLink('/areas', q, page.next, limit) });
      },
      doc: { operationId: 'listAreas', summary: 'List areas by id, optionally of one type.', tags, query: AreaListQuery,
        responses: { 200: { description: 'A page of areas; `Link: rel="next"` when more exist.', schema: Type.Array(Area), headers: { Link: 'RFC 8288 link to the next page.' } } },
        problems: [400] },
    },
    {
      method: 'post', pattern: '/areas', body: true, write: true,
      async handler(ctx) {
        const r = await bus.execute('areas.create', ctx.body, commandMeta(ctx));
        const id = (r.value as Area).id;
        return jsonValue(r.value, 201, { Location: `/areas/${id}`, ...replayedHeader(r.replayed) });
      },
      doc: { operationId: 'createArea', summary: 'Create an area.', tags, body: AreaCreate,
        responses: { 201: { description: 'Created; durable on disk.', schema: Area, headers: { Location: 'URL of the new area.' } } },
        problems: [400, 409, 413, 415, 503] },
    },
    {
      method: 'patch', pattern: '/areas/:id', body: true, write: true,
      async handler(ctx) {
        const id = positiveIntParam(ctx.params[0] ?? '', 'id');
        const patch = validPatch(ctx.body);
        const r = await bus.execute('areas.update', { id, patch }, commandMeta(ctx));
        return jsonValue(r.value, 200, replayedHeader(r.replayed));
      },
      doc: { operationId: 'updateArea', summary: 'Partially update an area (JSON merge patch, RFC 7396).', tags, pathParams: idParam, body: AreaPatch,
        responses: { 200: { description: 'The updated area; durable on disk.', schema: Area } }, problems: [400, 404, 409, 413, 415, 503] },
    },
    {
      method: 'del', pattern: '/areas/:id', write: true,
      async handler(ctx) {
        const id = positiveIntParam(ctx.params[0] ?? '', 'id');
        const r = await bus.execute('areas.delete', { id }, commandMeta(ctx));
        return { status: 204, headers: replayedHeader(r.replayed) };
      },
      doc: { operationId: 'deleteArea', summary: 'Delete an area; its id is never reused.', tags, pathParams: idParam,
        responses: { 204: { description: 'Deleted; durable on disk.' } }, problems: [400, 404, 503] },
    },
  ];
}
