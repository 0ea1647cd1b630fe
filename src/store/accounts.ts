import type { RefreshRecord, SessionRecord } from '../core/schemas/sessions.ts';
import type { Membership } from '../core/schemas/partners.ts';
import type { Store } from './store.ts';

/**
 * Reads over the account tables, shared by the actors (inside their write transaction) and the
 * front thread (`GET /me/export`).
 */

/** Range options covering every array key whose first element is `prefix` (lmdb-js sorts arrays element by element). */
export const prefixRange = (prefix: string) => ({ start: [prefix], end: [`${prefix}\u0000`] });

/** The sessions of `userId`, in any state, oldest first. */
export function sessionsOf(store: Store, userId: string): SessionRecord[] {
  return [...store.sessions.getRange(prefixRange(userId))].map((e) => e.value);
}

/** `[hash, record]` of every stored refresh token of session `family`, oldest first. */
export function tokensOf(store: Store, family: string): [string, RefreshRecord][] {
  const out: [string, RefreshRecord][] = [];
  for (const key of store.refreshByFamily.getKeys(prefixRange(family))) {
    const rec = store.refreshTokens.get(key[2]);
    if (rec !== undefined) out.push([key[2], rec]);
  }
  return out;
}

/** The team memberships of `userId` (`GET /me`), by partner id. */
export function membershipsOf(store: Store, userId: string): Membership[] {
  const out: Membership[] = [];
  for (const { key, value } of store.memberships.getRange(prefixRange(userId)))
    out.push({ partner_id: key[1], partner_name: store.partners.get(key[1])?.name ?? '', role: value });
  return out;
}
