import { Type } from '@sinclair/typebox';
import { LIMITS } from '../../core/schemas/common.ts';
import { Offer } from '../../core/schemas/offers.ts';
import { PageQuery } from '../../core/schemas/partners.ts';
import { queryValidator } from '../../core/validate.ts';
import { favoritesPage } from '../../store/catalog-reads.ts';
import type { Store } from '../../store/store.ts';
import type { CommandBus } from '../../workers/command-bus.ts';
import type { OfferReads } from '../reads/offers.ts';
import { commandMeta, decodeCursor, encodeCursor, nextLink, queryRecord, requireUser, uuidParam } from '../params.ts';
import { json, type Reply } from '../reply.ts';
import type { RouteDef } from '../router.ts';

const validPage = queryValidator(PageQuery);
const tags = ['favorites'];
const offerParam = { offer_id: Type.String({ format: 'uuid', description: 'Offer id.' }) };
const isFavoriteCursor = (v: unknown): v is { at: number; id: string } =>
  typeof v === 'object' && v !== null && Number.isSafeInteger((v as { at?: unknown }).at) && typeof (v as { id?: unknown }).id === 'string';

/** `PUT/DELETE /me/favorites/{offer_id}` and `GET /me/favorites` (API.md, "Offers"). */
export function favoriteRoutes(bus: CommandBus, offers: OfferReads, store: Store): RouteDef[] {
  return [
    {
      method: 'put', pattern: '/me/favorites/:offer_id', write: true,
      async handler(ctx): Promise<Reply> {
        const offerId = uuidParam(ctx.params[0] ?? '', 'offer_id');
        requireUser(ctx);
        await bus.execute('favorites.add', { offer_id: offerId }, commandMeta(ctx));
        return { status: 204 };
      },
      doc: { operationId: 'addFavorite', summary: 'Add an offer to the caller\'s favorites (idempotent; a repeat keeps its place).', tags, auth: true,
        pathParams: offerParam, responses: { 204: { description: 'It is a favorite; durable on disk.' } }, problems: [400, 401, 404, 409, 503] },
    },
    {
      method: 'del', pattern: '/me/favorites/:offer_id', write: true,
      async handler(ctx): Promise<Reply> {
        const offerId = uuidParam(ctx.params[0] ?? '', 'offer_id');
        requireUser(ctx);
        await bus.execute('favorites.remove', { offer_id: offerId }, commandMeta(ctx));
        return { status: 204 };
      },
      doc: { operationId: 'removeFavorite', summary: 'Remove an offer from the caller\'s favorites (204 also when it was not one).', tags, auth: true,
        pathParams: offerParam, responses: { 204: { description: 'It is not a favorite; durable on disk.' } }, problems: [400, 401, 503] },
    },
    {
      method: 'get', pattern: '/me/favorites',
      handler(ctx): Reply {
        const user = requireUser(ctx);
        const q = validPage(queryRecord(ctx.query));
        const limit = q.limit ?? LIMITS.pageDefault;
        const after = q.after === undefined ? undefined : decodeCursor(q.after, isFavoriteCursor);
        const rows = favoritesPage(store, user.id, after, limit);
        const more = rows.length > limit;
        if (more) rows.length = limit;
        const body = offers.renderPage(rows.map(([id]) => ({ id })), user.id);
        const last = rows[rows.length - 1];
        if (!more || last === undefined) return json(body, 200, { 'Cache-Control': 'no-store' });
        return json(body, 200, { 'Cache-Control': 'no-store', Link: nextLink('/me/favorites', q, encodeCursor({ at: last[1], id: last[0] }), limit) });
      },
      doc: { operationId: 'listFavorites', summary: 'The caller\'s favorite offers, most recently added first.', tags, auth: true, query: PageQuery,
        responses: { 200: { description: 'A page of offers; `Link: rel="next"` when more exist.', schema: Type.Array(Offer) } }, problems: [400, 401] },
    },
  ];
}
