import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The `qr_code` of a booking (API.md, "Bookings"): `SQ1.<booking id, 32 hex>.<tag>`, where the tag is
 * the first 128 bits of HMAC-SHA256(server key, "sortie-qr\0" + booking id + "\0" + offer id), base64url.
 * Unguessable without the key, verifiable without a lookup, bound to one booking of one offer.
 * 59 characters: a version-3 QR code at error correction M.
 */
const PREFIX = 'SQ1.';
const TAG_BYTES = 16;

function tag(key: Buffer, bookingId: string, offerId: string): Buffer {
  return createHmac('sha256', key).update(`sortie-qr\u0000${bookingId}\u0000${offerId}`).digest().subarray(0, TAG_BYTES);
}

/** The QR token of booking `bookingId` at offer `offerId`. */
export function qrToken(key: Buffer, bookingId: string, offerId: string): string {
  return `${PREFIX}${bookingId.replaceAll('-', '')}.${tag(key, bookingId, offerId).toString('base64url')}`;
}

/** True when `token` is the QR token of this booking (constant-time comparison of the tag). */
export function qrMatches(key: Buffer, token: string, bookingId: string, offerId: string): boolean {
  const parts = token.split('.');
  if (parts.length !== 3 || `${parts[0]}.` !== PREFIX || parts[1] !== bookingId.replaceAll('-', '')) return false;
  const got = Buffer.from(parts[2] ?? '', 'base64url');
  return got.length === TAG_BYTES && timingSafeEqual(got, tag(key, bookingId, offerId));
}
