import type { Caller } from '../../core/auth/claims.ts';
import { problems } from '../../core/errors.ts';
import type { Store } from '../../store/store.ts';
import { isUuid } from '../params.ts';
import type { BookingReads } from '../reads/bookings.ts';


/** True for the booking topics, which need an authenticated caller with a right to them. */
export const isBookingTopic = (topic: string): boolean =>
  topic === 'me.bookings' || topic.startsWith('bookings:') || topic.startsWith('partners.bookings:');

/**
 * The pub/sub key of a booking topic for `caller` (API.md, "WebSocket"): `bookings:<id>` for its booker,
 * its partner's staff and admins (anyone else: 404, its existence stays hidden); `me.bookings` keyed by the
 * caller's id (events are scoped to their booker); `partners.bookings:<partner_id>` for the partner's
 * staff and admins (anyone else: 403).
 * @throws Problem 401 anonymous; 403; 404.
 */
export function bookingTopicKey(topic: string, caller: Caller | undefined, store: Store, bookings: BookingReads): string {
  if (caller === undefined) throw problems.unauthorized(`Topic ${topic} needs an authenticated socket.`);
  if (topic === 'me.bookings') return `me.bookings#${caller.id}`;
  if (topic.startsWith('bookings:')) {
    const id = topic.slice('bookings:'.length);
    if (!isUuid(id)) throw problems.notFound(`Booking ${JSON.stringify(id)} does not exist.`);
    bookings.get(id, caller);
    return topic;
  }
  const partnerId = topic.slice('partners.bookings:'.length);
  if (!isUuid(partnerId) || !store.partners.doesExist(partnerId)) throw problems.notFound(`Partner ${JSON.stringify(partnerId)} does not exist.`);
  if (caller.role !== 'admin' && !store.members.doesExist([partnerId, caller.id])) throw problems.forbidden('Only the partner\'s staff (or an admin) follow its bookings.');
  return topic;
}
