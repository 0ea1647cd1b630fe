import type { Member } from '../core/schemas/partners.ts';
import { prefixRange } from './accounts.ts';
import type { Store } from './store.ts';

/**
 * Reads over the catalogue's secondary indexes for the front thread's collections. Each returns at
 * most `limit + 1` ids after the cursor id (exclusive), so the caller knows whether a next page exists.
 */

const HIGH = '\uffff';

/** Partner ids in id order (optionally of one category) after `after`. */
export function partnerIds(store: Store, category: string | undefined, after: string | undefined, limit: number): string[] {
  if (category === undefined)
    return [...store.partners.getKeys({ start: after ?? '', limit: limit + 2 })].filter((id) => id !== after).slice(0, limit + 1);
  return [...store.partnersByCategory.getKeys({ start: [category, after ?? ''], end: [category, HIGH], limit: limit + 2 })]
    .map((k) => k[1]).filter((id) => id !== after).slice(0, limit + 1);
}

/** Establishment ids of a partner in id order after `after`. */
export function establishmentIds(store: Store, partnerId: string, after: string | undefined, limit: number): string[] {
  return [...store.establishmentsByPartner.getKeys({ start: [partnerId, after ?? ''], end: [partnerId, HIGH], limit: limit + 2 })]
    .map((k) => k[1]).filter((id) => id !== after).slice(0, limit + 1);
}

/** The team of a partner, by user id, with each member's current profile. */
export function membersOf(store: Store, partnerId: string): Member[] {
  const out: Member[] = [];
  for (const { key, value } of store.members.getRange(prefixRange(partnerId))) {
    const u = store.users.get(key[1]);
    if (u !== undefined) out.push({ user_id: u.id, email: u.email, first_name: u.first_name, last_name: u.last_name, role: value.role, added_at: value.added_at });
  }
  return out;
}

/** `[offer id, added_at ms]` of a user's favorites, most recently added first, after the cursor `(at, id)`. */
export function favoritesPage(store: Store, userId: string, after: { at: number; id: string } | undefined, limit: number): [string, number][] {
  const out: [string, number][] = [];
  const start = after === undefined ? [userId, HIGH] : [userId, after.at, after.id];
  for (const key of store.favoritesByTime.getKeys({ start, end: [userId], reverse: true, limit: limit + 2 })) {
    if (after !== undefined && key[1] === after.at && key[2] === after.id) continue;
    out.push([key[2], key[1]]);
    if (out.length > limit) break;
  }
  return out;
}
