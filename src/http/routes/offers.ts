import { Type } from '@sinclair/typebox';
import { problems } from '../../core/errors.ts';
import { CategoryCount, Offer, OfferCreate, OfferListQuery, OfferPatch } from '../../core/schemas/offers.ts';
import { bodyValidator } from '../../core/validate.ts';
import type { CommandBus } from '../../workers/command-bus.ts';
import type { OfferReads } from '../reads/offers.ts';
import { commandMeta, encodeCursor, nextLink, replayedHeader, requireUser, uuidParam } from '../params.ts';
import { json, type Reply } from '../reply.ts';
import type { RouteDef } from '../router.ts';
import { parseOfferQuery } from './offer-query.ts';

const validPatch = bodyValidator(OfferPatch);
const tags = ['offers'];
const idParam = { id: Type.String({ format: 'uuid', description: 'Offer id.' }) };
const writeProblems = [400, 401, 403, 404, 409, 413, 415, 503];

/** Routes of offers and categories (API.md, "Offers"). */
export function offerRoutes(bus: CommandBus, offers: OfferReads): RouteDef[] {
  /** The offer as the caller sees it, read after the write committed. */
  const view = (id: string, caller: string | undefined): Buffer => {
    const body = offers.render(id, caller);
    if (body === undefined) throw problems.notFound(`Offer ${id} does not exist.`);
    return body;
  };
  return [
    {
      method: 'post', pattern: '/offers', body: true, write: true,
      async handler(ctx) {
        const user = requireUser(ctx);
        const r = await bus.execute('offers.create', ctx.body, commandMeta(ctx));
        const id = (r.value as Offer).id;
        return json(view(id, user.id), 201, { Location: `/offers/${id}`, ...replayedHeader(r.replayed) });
      },
      doc: { operationId: 'createOffer', summary: 'Create an offer at an establishment (owner, manager or admin).', tags, auth: true, body: OfferCreate,
        responses: { 201: { description: 'Created; durable on disk.', schema: Offer, headers: { Location: 'URL of the new offer.' } } }, problems: writeProblems },
    },
    {
      method: 'get', pattern: '/offers',
      handler(ctx): Reply {
        const { search, query } = parseOfferQuery(ctx.query, Date.now());
        const page = offers.search(search);
        const body = offers.renderPage(page.hits, ctx.user?.id);
        if (page.next === undefined) return json(body);
        return json(body, 200, { Link: nextLink('/offers', query, encodeCursor(page.next), search.limit) });
      },
      doc: { operationId: 'searchOffers', summary: 'Search offers: near a point (nearest first), by words, category, discount, partner, establishment, area, active time.',
        tags, query: OfferListQuery,
        responses: { 200: { description: 'A page of offers; `Link: rel="next"` when more exist.', schema: Type.Array(Offer) } }, problems: [400] },
    },
    {
      method: 'get', pattern: '/offers/:id',
      handler: (ctx) => json(view(uuidParam(ctx.params[0] ?? '', 'id'), ctx.user?.id)),
      doc: { operationId: 'getOffer', summary: 'Get one offer (`is_favorite` for the caller).', tags, pathParams: idParam,
        responses: { 200: { description: 'The offer.', schema: Offer } }, problems: [400, 404] },
    },
    {
      method: 'patch', pattern: '/offers/:id', body: true, write: true,
      async handler(ctx) {
        const id = uuidParam(ctx.params[0] ?? '', 'id');
        const user = requireUser(ctx);
        const r = await bus.execute('offers.update', { id, patch: validPatch(ctx.body) }, commandMeta(ctx));
        return json(view(id, user.id), 200, replayedHeader(r.replayed));
      },
      doc: { operationId: 'updateOffer', summary: 'Update an offer (JSON merge patch, RFC 7396; `quota: null` lifts the quota).', tags, auth: true,
        pathParams: idParam, body: OfferPatch, responses: { 200: { description: 'The updated offer; durable on disk.', schema: Offer } }, problems: writeProblems },
    },
    {
      method: 'del', pattern: '/offers/:id', write: true,
      async handler(ctx) {
        const id = uuidParam(ctx.params[0] ?? '', 'id');
        requireUser(ctx);
        const r = await bus.execute('offers.delete', { id }, commandMeta(ctx));
        return { status: 204, headers: replayedHeader(r.replayed) };
      },
      doc: { operationId: 'deleteOffer', summary: 'Delete an offer and the favorites naming it.', tags, auth: true, pathParams: idParam,
        responses: { 204: { description: 'Deleted; durable on disk.' } }, problems: [400, 401, 403, 404, 503] },
    },
    {
      method: 'get', pattern: '/categories',
      handler: () => json(offers.categories(Date.now())),
      doc: { operationId: 'listCategories', summary: 'The eight categories with their count of offers active now (recounted at most once a second).', tags,
        responses: { 200: { description: 'Every category.', schema: Type.Array(CategoryCount) } }, problems: [] },
    },
  ];
}
