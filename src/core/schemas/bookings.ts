import { Type, type Static } from '@sinclair/typebox';
import { Timestamp, Uuid } from './common.ts';
import { Cursor } from './partners.ts';
import { PageLimit } from './common.ts';

/** Booking states (API.md, "Bookings"). */
export const BOOKING_STATES = ['PENDING', 'CONFIRMED', 'CHECKED_IN', 'CANCELLED', 'EXPIRED', 'NO_SHOW'] as const;
export type BookingStatus = (typeof BOOKING_STATES)[number];
export const BookingStatus = Type.Union(BOOKING_STATES.map((s) => Type.Literal(s)), { description: 'PENDING, CONFIRMED, CHECKED_IN, CANCELLED, EXPIRED or NO_SHOW.' });

/** States that hold one of the offer's slots: they count against `quota.total` and `quota.per_user`. */
export const SLOT_HOLDING: ReadonlySet<BookingStatus> = new Set(['PENDING', 'CONFIRMED', 'CHECKED_IN', 'NO_SHOW']);

/** The longest QR token sortie issues (core/auth/booking-qr.ts), characters. */
export const QR_MAX = 128;

/** Default booking deadlines, ms (API.md, "Bookings"): BOOKING_HOLD_MS 15 min, BOOKING_TTL_MS 24 h. */
export const BOOKING_DEFAULTS = { holdMs: 15 * 60_000, ttlMs: 24 * 3_600_000 } as const;

/** Body of `POST /bookings`. */
export const BookingCreate = Type.Object({ offer_id: Uuid('The offer to book.') }, { additionalProperties: false, $id: 'BookingCreate' });
export type BookingCreate = Static<typeof BookingCreate>;

/** Args of the commands on one booking (the front reads its offer from the store to pick the partition). */
export const BookingRef = Type.Object({ id: Uuid('Booking id.') }, { additionalProperties: false });
export type BookingRef = Static<typeof BookingRef>;

/** Body of `POST /bookings/{id}/check-in`. */
export const CheckIn = Type.Object({ qr_code: Type.String({ minLength: 1, maxLength: QR_MAX, description: 'The booking\'s QR token, as scanned.' }) },
  { additionalProperties: false, $id: 'CheckIn' });
export type CheckIn = Static<typeof CheckIn>;

/** Args of `bookings.check_in`. */
export const CheckInArgs = Type.Object({ id: Uuid('Booking id.'), ...CheckIn.properties }, { additionalProperties: false });
export type CheckInArgs = Static<typeof CheckInArgs>;

/** A booking as stored (db `bookings`); `user_id` is null once the booker erased the account. Times are ISO-8601 UTC. */
export interface BookingRecord {
  id: string;
  offer_id: string;
  partner_id: string;
  user_id: string | null;
  status: BookingStatus;
  created_at: string;
  /** When the booking expires (PENDING) or becomes NO_SHOW (CONFIRMED); null once it is settled. */
  expires_at: string | null;
  confirmed_at: string | null;
  checked_in_at: string | null;
  cancelled_at: string | null;
}

const nullableTime = (d: string) => Type.Union([Timestamp(d), Type.Null()]);

/** A booking as read. `qr_code` only for its booker (null for partner staff, admins and events). */
export const Booking = Type.Object(
  {
    id: Uuid('Booking id (UUIDv7).'),
    offer_id: Uuid('Offer id.'),
    partner_id: Uuid('Partner id.'),
    user_id: Type.Union([Uuid('Booker.'), Type.Null()], { description: 'The booker; null once the account was erased.' }),
    status: BookingStatus,
    qr_code: Type.Union([Type.String(), Type.Null()], { description: 'Signed token to show at the door (booker only).' }),
    created_at: Timestamp('Creation time (UTC).'),
    expires_at: nullableTime('PENDING: when it expires; CONFIRMED: when it becomes NO_SHOW; null once settled.'),
    confirmed_at: nullableTime('When partner staff confirmed it (or at creation when no approval is required).'),
    checked_in_at: nullableTime('When it was checked in.'),
    cancelled_at: nullableTime('When it was cancelled.'),
  },
  { additionalProperties: false, $id: 'Booking' },
);
export type Booking = Static<typeof Booking>;

/** Query of `GET /me/bookings`. */
export const MyBookingsQuery = Type.Object(
  { status: Type.Optional(BookingStatus), after: Type.Optional(Cursor), limit: Type.Optional(PageLimit) },
  { additionalProperties: false },
);
export type MyBookingsQuery = Static<typeof MyBookingsQuery>;

/** Query of `GET /partners/{id}/bookings`. */
export const PartnerBookingsQuery = Type.Object(
  { status: Type.Optional(BookingStatus), offer_id: Type.Optional(Uuid('Only this offer.')), after: Type.Optional(Cursor), limit: Type.Optional(PageLimit) },
  { additionalProperties: false },
);
export type PartnerBookingsQuery = Static<typeof PartnerBookingsQuery>;

/** Allowed transitions (API.md, "Bookings"); anything else is 409 `invalid-state`. */
export const TRANSITIONS: Readonly<Record<BookingStatus, readonly BookingStatus[]>> = {
  PENDING: ['CONFIRMED', 'EXPIRED', 'CANCELLED'],
  CONFIRMED: ['CHECKED_IN', 'CANCELLED', 'NO_SHOW'],
  CHECKED_IN: [],
  CANCELLED: [],
  EXPIRED: [],
  NO_SHOW: [],
};

/** A stored booking as read, in contract field order, with `qr_code` (the booker's view) or null (anyone else's). */
export function bookingView(r: BookingRecord, qrCode: string | null): Booking {
  return {
    id: r.id, offer_id: r.offer_id, partner_id: r.partner_id, user_id: r.user_id, status: r.status, qr_code: qrCode,
    created_at: r.created_at, expires_at: r.expires_at, confirmed_at: r.confirmed_at, checked_in_at: r.checked_in_at, cancelled_at: r.cancelled_at,
  };
}
