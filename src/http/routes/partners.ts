import { Type } from '@sinclair/typebox';
import { problems } from '../../core/errors.ts';
import { LIMITS } from '../../core/schemas/common.ts';
import { Member, MemberAdd, Partner, PartnerCreate, PartnerListQuery, PartnerPatch } from '../../core/schemas/partners.ts';
import { normaliseEmail } from '../../core/schemas/users.ts';
import { bodyValidator, queryValidator } from '../../core/validate.ts';
import { partnerIds, membersOf } from '../../store/catalog-reads.ts';
import type { Store } from '../../store/store.ts';
import type { CommandBus } from '../../workers/command-bus.ts';
import type { ReadSide } from '../reads/read-side.ts';
import { commandMeta, decodeCursor, isIdCursor, queryRecord, replayedHeader, requireUser, uuidParam } from '../params.ts';
import { json, jsonValue, type Reply } from '../reply.ts';
import type { RouteDef } from '../router.ts';
import { idPage } from './collection.ts';

const validList = queryValidator(PartnerListQuery);
const validPatch = bodyValidator(PartnerPatch);
const validMember = bodyValidator(MemberAdd);
const tags = ['partners'];
const idParam = { id: Type.String({ format: 'uuid', description: 'Partner id.' }) };
const writeProblems = [400, 401, 403, 404, 409, 413, 415, 503];

/** Routes of partners and their teams (API.md, "Partners and establishments"). */
export function partnerRoutes(bus: CommandBus, reads: ReadSide, store: Store): RouteDef[] {
  const get = (id: string): Buffer => {
    const body = reads.partners.get(id);
    if (body === undefined) throw problems.notFound(`Partner ${id} does not exist.`);
    return body;
  };
  return [
    {
      method: 'post', pattern: '/partners', body: true, write: true,
      async handler(ctx) {
        requireUser(ctx);
        const r = await bus.execute('partners.create', ctx.body, commandMeta(ctx));
        const id = (r.value as Partner).id;
        return jsonValue(r.value, 201, { Location: `/partners/${id}`, ...replayedHeader(r.replayed) });
      },
      doc: { operationId: 'createPartner', summary: 'Create a partner; the caller becomes its owner.', tags, auth: true, body: PartnerCreate,
        responses: { 201: { description: 'Created; durable on disk.', schema: Partner, headers: { Location: 'URL of the new partner.' } } }, problems: writeProblems },
    },
    {
      method: 'get', pattern: '/partners',
      handler(ctx): Reply {
        const q = validList(queryRecord(ctx.query));
        const limit = q.limit ?? LIMITS.pageDefault;
        const after = q.after === undefined ? undefined : decodeCursor(q.after, isIdCursor).id;
        return idPage(reads.partners, partnerIds(store, q.category, after, limit), limit, '/partners', q);
      },
      doc: { operationId: 'listPartners', summary: 'List partners by id, optionally of one category.', tags, query: PartnerListQuery,
        responses: { 200: { description: 'A page of partners; `Link: rel="next"` when more exist.', schema: Type.Array(Partner) } }, problems: [400] },
    },
    {
      method: 'get', pattern: '/partners/:id',
      handler: (ctx) => json(get(uuidParam(ctx.params[0] ?? '', 'id'))),
      doc: { operationId: 'getPartner', summary: 'Get one partner.', tags, pathParams: idParam,
        responses: { 200: { description: 'The partner.', schema: Partner } }, problems: [400, 404] },
    },
    {
      method: 'patch', pattern: '/partners/:id', body: true, write: true,
      async handler(ctx) {
        const id = uuidParam(ctx.params[0] ?? '', 'id');
        requireUser(ctx);
        const r = await bus.execute('partners.update', { id, patch: validPatch(ctx.body) }, commandMeta(ctx));
        return jsonValue(r.value, 200, replayedHeader(r.replayed));
      },
      doc: { operationId: 'updatePartner', summary: 'Update a partner (JSON merge patch; owner or admin).', tags, auth: true, pathParams: idParam, body: PartnerPatch,
        responses: { 200: { description: 'The updated partner; durable on disk.', schema: Partner } }, problems: writeProblems },
    },
    {
      method: 'del', pattern: '/partners/:id', write: true,
      async handler(ctx) {
        const id = uuidParam(ctx.params[0] ?? '', 'id');
        requireUser(ctx);
        const r = await bus.execute('partners.delete', { id }, commandMeta(ctx));
        return { status: 204, headers: replayedHeader(r.replayed) };
      },
      doc: { operationId: 'deletePartner', summary: 'Delete a partner without active offers, with its team and establishments (owner or admin).', tags, auth: true,
        pathParams: idParam, responses: { 204: { description: 'Deleted; durable on disk.' } }, problems: [400, 401, 403, 404, 409, 503] },
    },
    {
      method: 'get', pattern: '/partners/:id/members',
      handler(ctx): Reply {
        const id = uuidParam(ctx.params[0] ?? '', 'id');
        const user = requireUser(ctx);
        get(id);
        if (user.role !== 'admin' && !store.members.doesExist([id, user.id])) throw problems.forbidden('Only the members of this partner (or an admin) see its team.');
        return jsonValue(membersOf(store, id));
      },
      doc: { operationId: 'listMembers', summary: 'The team of a partner (members and admins only).', tags, auth: true, pathParams: idParam,
        responses: { 200: { description: 'Every member, by user id.', schema: Type.Array(Member) } }, problems: [400, 401, 403, 404] },
    },
    {
      method: 'post', pattern: '/partners/:id/members', body: true, write: true,
      async handler(ctx) {
        const id = uuidParam(ctx.params[0] ?? '', 'id');
        requireUser(ctx);
        const body = validMember(typeof ctx.body?.email === 'string' ? { ...ctx.body, email: normaliseEmail(ctx.body.email) } : ctx.body);
        const r = await bus.execute('members.add', { partner_id: id, ...body }, commandMeta(ctx));
        return jsonValue(r.value, 201, replayedHeader(r.replayed));
      },
      doc: { operationId: 'addMember', summary: 'Add an account (by email) to the team (owners or admin).', tags, auth: true, pathParams: idParam, body: MemberAdd,
        responses: { 201: { description: 'The new member; durable on disk.', schema: Member } }, problems: writeProblems },
    },
    {
      method: 'del', pattern: '/partners/:id/members/:user_id', write: true,
      async handler(ctx) {
        const id = uuidParam(ctx.params[0] ?? '', 'id');
        const userId = uuidParam(ctx.params[1] ?? '', 'user_id');
        requireUser(ctx);
        const r = await bus.execute('members.remove', { partner_id: id, user_id: userId }, commandMeta(ctx));
        return { status: 204, headers: replayedHeader(r.replayed) };
      },
      doc: { operationId: 'removeMember', summary: 'Remove a member; never the last owner (owners or admin).', tags, auth: true,
        pathParams: { ...idParam, user_id: Type.String({ format: 'uuid', description: 'User id of the member.' }) },
        responses: { 204: { description: 'Removed; durable on disk.' } }, problems: [400, 401, 403, 404, 409, 503] },
    },
  ];
}
