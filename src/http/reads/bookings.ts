import { qrToken } from '../../core/auth/booking-qr.ts';
import type { Caller } from '../../core/auth/claims.ts';
import { problems } from '../../core/errors.ts';
import { bookingView, type Booking, type BookingRecord, type BookingStatus } from '../../core/schemas/bookings.ts';
import type { Store } from '../../store/store.ts';

/**
 * Read side of bookings on the front thread: straight from LMDB (a booking read is one `get`), with
 * the access rules of the contract (API.md, "Bookings"): the booker, the partner's staff and admins
 * see a booking; to anyone else it does not exist (404). Only the booker sees its `qr_code`.
 */
export class BookingReads {
  /** @param qrKey the HMAC key of QR tokens (QR_SECRET). */
  constructor(private readonly store: Store, private readonly qrKey: Buffer) {}

  /** The booking's QR token. */
  qr(b: Pick<BookingRecord, 'id' | 'offer_id'>): string {
    return qrToken(this.qrKey, b.id, b.offer_id);
  }

  /** True when `caller` may read booking `b`: its booker, any member of its partner, or an admin. */
  mayRead(b: BookingRecord, caller: Caller): boolean {
    return b.user_id === caller.id || caller.role === 'admin' || this.store.members.doesExist([b.partner_id, caller.id]);
  }

  /** `b` as `caller` sees it. */
  view(b: BookingRecord, caller: Caller): Booking {
    return bookingView(b, b.user_id === caller.id ? this.qr(b) : null);
  }

  /** The booking `id` if `caller` may read it. @throws Problem 404 otherwise (its existence stays hidden). */
  get(id: string, caller: Caller): BookingRecord {
    const b = this.store.bookings.get(id);
    if (b === undefined || !this.mayRead(b, caller)) throw problems.notFound(`Booking ${id} does not exist.`);
    return b;
  }

  /**
   * A page of bookings from an index keyed `[owner, booking id]`, newest first, strictly after `after`.
   * @returns up to `limit + 1` records (one more tells the caller a next page exists).
   */
  page(index: 'user' | 'partner' | 'offer', owner: string, filter: { status?: BookingStatus; partnerId?: string }, after: string | undefined, limit: number): BookingRecord[] {
    const db = index === 'user' ? this.store.bookingsByUser : index === 'partner' ? this.store.bookingsByPartner : this.store.bookingsByOffer;
    const out: BookingRecord[] = [];
    for (const [, id] of db.getKeys({ start: [owner, after ?? '\uffff'], end: [owner], reverse: true }) as Iterable<[string, string]>) {
      if (id === after) continue;
      const b = this.store.bookings.get(id);
      if (b === undefined || (filter.status !== undefined && b.status !== filter.status) || (filter.partnerId !== undefined && b.partner_id !== filter.partnerId)) continue;
      out.push(b);
      if (out.length > limit) break;
    }
    return out;
  }
}
