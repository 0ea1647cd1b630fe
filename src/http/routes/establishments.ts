import { Type } from '@sinclair/typebox';
import { problems } from '../../core/errors.ts';
import { LIMITS } from '../../core/schemas/common.ts';
import { Establishment, EstablishmentCreate, EstablishmentPatch } from '../../core/schemas/establishments.ts';
import { PageQuery } from '../../core/schemas/partners.ts';
import { bodyValidator, queryValidator } from '../../core/validate.ts';
import { establishmentIds } from '../../store/catalog-reads.ts';
import type { Store } from '../../store/store.ts';
import type { CommandBus } from '../../workers/command-bus.ts';
import type { ReadSide } from '../reads/read-side.ts';
import { commandMeta, decodeCursor, isIdCursor, queryRecord, replayedHeader, requireUser, uuidParam } from '../params.ts';
import { json, jsonValue, type Reply } from '../reply.ts';
import type { RouteDef } from '../router.ts';
import { idPage } from './collection.ts';

const validPage = queryValidator(PageQuery);
const validPatch = bodyValidator(EstablishmentPatch);
const validCreate = bodyValidator(EstablishmentCreate);
const tags = ['establishments'];
const idParam = { id: Type.String({ format: 'uuid', description: 'Establishment id.' }) };
const writeProblems = [400, 401, 403, 404, 413, 415, 503];

/** Routes of establishments (API.md, "Partners and establishments"). */
export function establishmentRoutes(bus: CommandBus, reads: ReadSide, store: Store): RouteDef[] {
  return [
    {
      method: 'post', pattern: '/partners/:id/establishments', body: true, write: true,
      async handler(ctx) {
        const partnerId = uuidParam(ctx.params[0] ?? '', 'id');
        requireUser(ctx);
        const r = await bus.execute('establishments.create', { ...validCreate(ctx.body), partner_id: partnerId }, commandMeta(ctx));
        const id = (r.value as Establishment).id;
        return jsonValue(r.value, 201, { Location: `/establishments/${id}`, ...replayedHeader(r.replayed) });
      },
      doc: { operationId: 'createEstablishment', summary: 'Create an establishment; the timezone defaults to the location\'s (owner, manager or admin).', tags, auth: true,
        pathParams: { id: Type.String({ format: 'uuid', description: 'Partner id.' }) }, body: EstablishmentCreate,
        responses: { 201: { description: 'Created; durable on disk.', schema: Establishment, headers: { Location: 'URL of the new establishment.' } } }, problems: writeProblems },
    },
    {
      method: 'get', pattern: '/partners/:id/establishments',
      handler(ctx): Reply {
        const partnerId = uuidParam(ctx.params[0] ?? '', 'id');
        const q = validPage(queryRecord(ctx.query));
        if (!store.partners.doesExist(partnerId)) throw problems.notFound(`Partner ${partnerId} does not exist.`);
        const limit = q.limit ?? LIMITS.pageDefault;
        const after = q.after === undefined ? undefined : decodeCursor(q.after, isIdCursor).id;
        return idPage(reads.establishments, establishmentIds(store, partnerId, after, limit), limit, `/partners/${partnerId}/establishments`, q);
      },
      doc: { operationId: 'listEstablishments', summary: 'The establishments of a partner, by id.', tags,
        pathParams: { id: Type.String({ format: 'uuid', description: 'Partner id.' }) }, query: PageQuery,
        responses: { 200: { description: 'A page of establishments; `Link: rel="next"` when more exist.', schema: Type.Array(Establishment) } }, problems: [400, 404] },
    },
    {
      method: 'get', pattern: '/establishments/:id',
      handler(ctx): Reply {
        const id = uuidParam(ctx.params[0] ?? '', 'id');
        const body = reads.establishments.get(id);
        if (body === undefined) throw problems.notFound(`Establishment ${id} does not exist.`);
        return json(body);
      },
      doc: { operationId: 'getEstablishment', summary: 'Get one establishment.', tags, pathParams: idParam,
        responses: { 200: { description: 'The establishment.', schema: Establishment } }, problems: [400, 404] },
    },
    {
      method: 'patch', pattern: '/establishments/:id', body: true, write: true,
      async handler(ctx) {
        const id = uuidParam(ctx.params[0] ?? '', 'id');
        requireUser(ctx);
        const r = await bus.execute('establishments.update', { id, patch: validPatch(ctx.body) }, commandMeta(ctx));
        return jsonValue(r.value, 200, replayedHeader(r.replayed));
      },
      doc: { operationId: 'updateEstablishment', summary: 'Update an establishment (JSON merge patch); its offers follow at once.', tags, auth: true,
        pathParams: idParam, body: EstablishmentPatch,
        responses: { 200: { description: 'The updated establishment; durable on disk.', schema: Establishment } }, problems: writeProblems },
    },
    {
      method: 'del', pattern: '/establishments/:id', write: true,
      async handler(ctx) {
        const id = uuidParam(ctx.params[0] ?? '', 'id');
        requireUser(ctx);
        const r = await bus.execute('establishments.delete', { id }, commandMeta(ctx));
        return { status: 204, headers: replayedHeader(r.replayed) };
      },
      doc: { operationId: 'deleteEstablishment', summary: 'Delete an establishment; its offers become inactive and still read.', tags, auth: true,
        pathParams: idParam, responses: { 204: { description: 'Deleted; durable on disk.' } }, problems: [400, 401, 403, 404, 503] },
    },
  ];
}
