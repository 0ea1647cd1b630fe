import { Type } from '@sinclair/typebox';
import QRCode from 'qrcode';
import { problems } from '../../core/errors.ts';
import { LIMITS } from '../../core/schemas/common.ts';
import { Booking, BookingCreate, CheckIn, MyBookingsQuery, PartnerBookingsQuery, type BookingRecord } from '../../core/schemas/bookings.ts';
import { bodyValidator, queryValidator } from '../../core/validate.ts';
import type { CommandBus } from '../../workers/command-bus.ts';
import type { BookingReads } from '../reads/bookings.ts';
import type { Caller } from '../../core/auth/claims.ts';
import type { Store } from '../../store/store.ts';
import { commandMeta, decodeCursor, encodeCursor, isIdCursor, nextLink, queryRecord, replayedHeader, requireUser, uuidParam } from '../params.ts';
import { jsonValue, type Reply } from '../reply.ts';
import type { RequestContext, RouteDef } from '../router.ts';

const validCheckIn = bodyValidator(CheckIn);
const validMine = queryValidator(MyBookingsQuery);
const validPartner = queryValidator(PartnerBookingsQuery);
const tags = ['bookings'];
const idParam = { id: Type.String({ format: 'uuid', description: 'Booking id.' }) };
const transitionProblems = [400, 401, 404, 409, 503];

/** A page of bookings as `caller` sees them, with `Link: rel="next"` when there are more. */
function page(reads: BookingReads, rows: BookingRecord[], caller: Caller, limit: number, path: string, query: Record<string, unknown>): Reply {
  const more = rows.length > limit;
  if (more) rows.length = limit;
  const last = rows[rows.length - 1];
  const headers: Record<string, string> = { 'Cache-Control': 'no-store' };
  if (more && last !== undefined) headers.Link = nextLink(path, query, encodeCursor({ id: last.id }), limit);
  return jsonValue(rows.map((b) => reads.view(b, caller)), 200, headers);
}

/** Routes of bookings (API.md, "Bookings"). */
export function bookingRoutes(bus: CommandBus, reads: BookingReads, store: Store): RouteDef[] {
  /** Runs a transition named by the path and answers the booking as the caller now sees it. */
  const transition = (name: 'bookings.confirm' | 'bookings.cancel' | 'bookings.check_in', body?: (ctx: RequestContext) => Record<string, unknown>) =>
    async (ctx: RequestContext): Promise<Reply> => {
      const id = uuidParam(ctx.params[0] ?? '', 'id');
      const user = requireUser(ctx);
      const r = await bus.execute(name, { id, ...body?.(ctx) }, commandMeta(ctx));
      return jsonValue(reads.view(r.value as BookingRecord, user), 200, replayedHeader(r.replayed));
    };
  return [
    {
      method: 'post', pattern: '/bookings', body: true, write: true,
      async handler(ctx) {
        const user = requireUser(ctx);
        const r = await bus.execute('bookings.create', ctx.body, commandMeta(ctx));
        const b = r.value as BookingRecord;
        return jsonValue(reads.view(b, user), 201, { Location: `/bookings/${b.id}`, ...replayedHeader(r.replayed) });
      },
      doc: { operationId: 'createBooking', summary: 'Book a slot of an offer active now (PENDING when it requires approval, else CONFIRMED).', tags, auth: true,
        body: BookingCreate, responses: { 201: { description: 'Booked; durable on disk.', schema: Booking, headers: { Location: 'URL of the booking.' } } },
        problems: [400, 401, 404, 409, 413, 415, 422, 503] },
    },
    {
      method: 'get', pattern: '/bookings/:id',
      handler(ctx) {
        const id = uuidParam(ctx.params[0] ?? '', 'id');
        const user = requireUser(ctx);
        return jsonValue(reads.view(reads.get(id, user), user), 200, { 'Cache-Control': 'no-store' });
      },
      doc: { operationId: 'getBooking', summary: 'One booking (booker, partner staff, admin; 404 for anyone else).', tags, auth: true, pathParams: idParam,
        responses: { 200: { description: 'The booking.', schema: Booking } }, problems: [400, 401, 404] },
    },
    {
      method: 'post', pattern: '/bookings/:id/confirm', write: true,
      handler: transition('bookings.confirm'),
      doc: { operationId: 'confirmBooking', summary: 'PENDING → CONFIRMED (partner staff or admin).', tags, auth: true, pathParams: idParam,
        responses: { 200: { description: 'The booking; durable on disk.', schema: Booking } }, problems: transitionProblems },
    },
    {
      method: 'post', pattern: '/bookings/:id/check-in', body: true, write: true,
      handler: transition('bookings.check_in', (ctx) => validCheckIn(ctx.body)),
      doc: { operationId: 'checkInBooking', summary: 'CONFIRMED → CHECKED_IN with the booking\'s QR code (partner staff or admin); a wrong code is a 422.', tags, auth: true,
        pathParams: idParam, body: CheckIn, responses: { 200: { description: 'The booking; durable on disk.', schema: Booking } }, problems: [...transitionProblems, 413, 415, 422] },
    },
    {
      method: 'post', pattern: '/bookings/:id/cancel', write: true,
      handler: transition('bookings.cancel'),
      doc: { operationId: 'cancelBooking', summary: 'PENDING/CONFIRMED → CANCELLED, releasing the slot (booker, partner staff or admin).', tags, auth: true,
        pathParams: idParam, responses: { 200: { description: 'The booking; durable on disk.', schema: Booking } }, problems: transitionProblems },
    },
    {
      method: 'get', pattern: '/bookings/:id/qr.svg',
      async handler(ctx): Promise<Reply> {
        const id = uuidParam(ctx.params[0] ?? '', 'id');
        const user = requireUser(ctx);
        const b = reads.get(id, user);
        if (b.user_id !== user.id) throw problems.notFound(`Booking ${id} does not exist.`);
        const svg = await QRCode.toString(reads.qr(b), { type: 'svg', errorCorrectionLevel: 'M', margin: 4 });
        return { status: 200, body: svg, type: 'image/svg+xml', headers: { 'Cache-Control': 'private, no-store' } };
      },
      doc: { operationId: 'bookingQrSvg', summary: 'The booking\'s QR code as SVG (booker only; 404 for anyone else).', tags, auth: true, pathParams: idParam,
        responses: { 200: { description: 'image/svg+xml' } }, problems: [400, 401, 404] },
    },
    {
      method: 'get', pattern: '/me/bookings',
      handler(ctx) {
        const user = requireUser(ctx);
        const q = validMine(queryRecord(ctx.query));
        const limit = q.limit ?? LIMITS.pageDefault;
        const after = q.after === undefined ? undefined : decodeCursor(q.after, isIdCursor).id;
        const filter = q.status === undefined ? {} : { status: q.status };
        return page(reads, reads.page('user', user.id, filter, after, limit), user, limit, '/me/bookings', q);
      },
      doc: { operationId: 'myBookings', summary: 'The caller\'s bookings, newest first (filter `status`).', tags, auth: true, query: MyBookingsQuery,
        responses: { 200: { description: 'A page of bookings; `Link: rel="next"` when more exist.', schema: Type.Array(Booking) } }, problems: [400, 401] },
    },
    {
      method: 'get', pattern: '/partners/:id/bookings',
      handler(ctx) {
        const partnerId = uuidParam(ctx.params[0] ?? '', 'id');
        const user = requireUser(ctx);
        const q = validPartner(queryRecord(ctx.query));
        if (!store.partners.doesExist(partnerId)) throw problems.notFound(`Partner ${partnerId} does not exist.`);
        if (user.role !== 'admin' && !store.members.doesExist([partnerId, user.id])) throw problems.forbidden('Only the partner\'s staff (or an admin) see its bookings.');
        const limit = q.limit ?? LIMITS.pageDefault;
        const after = q.after === undefined ? undefined : decodeCursor(q.after, isIdCursor).id;
        const filter = { ...(q.status === undefined ? {} : { status: q.status }), partnerId };
        const rows = q.offer_id === undefined ? reads.page('partner', partnerId, filter, after, limit) : reads.page('offer', q.offer_id, filter, after, limit);
        return page(reads, rows, user, limit, `/partners/${partnerId}/bookings`, q);
      },
      doc: { operationId: 'partnerBookings', summary: 'A partner\'s bookings, newest first (partner staff or admin; filters `status`, `offer_id`).', tags, auth: true,
        pathParams: { id: Type.String({ format: 'uuid', description: 'Partner id.' }) }, query: PartnerBookingsQuery,
        responses: { 200: { description: 'A page of bookings; `Link: rel="next"` when more exist.', schema: Type.Array(Booking) } }, problems: [400, 401, 403, 404] },
    },
  ];
}
