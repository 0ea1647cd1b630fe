import { problems } from '../../core/errors.ts';
import { CATALOG_LIMITS } from '../../core/schemas/common.ts';
import type { FavoriteArgs } from '../../core/schemas/offers.ts';
import { prefixRange } from '../../store/accounts.ts';
import type { Store } from '../../store/store.ts';
import { callerOf } from './rights.ts';
import type { CommandContext, HandlerResult } from './types.ts';

function drop(store: Store, userId: string, offerId: string): void {
  const at = store.favorites.get([userId, offerId]);
  if (at === undefined) return;
  store.favorites.remove([userId, offerId]);
  store.favoritesByTime.remove([userId, at, offerId]);
  store.favoritesByOffer.remove([offerId, userId]);
}

/**
 * `favorites.add` (runs on the caller's partition): idempotent, a repeated add keeps the first time.
 * @throws Problem 401; 404 unknown offer; 409 `favorites-full` past CATALOG_LIMITS.favorites.
 */
export function addFavorite(store: Store, { offer_id }: FavoriteArgs, now: number, ctx: CommandContext): HandlerResult {
  const user = callerOf(store, ctx);
  if (!store.offers.doesExist(offer_id)) throw problems.notFound(`Offer ${offer_id} does not exist.`);
  if (store.favorites.doesExist([user, offer_id])) return { value: null, events: [] };
  if (store.favorites.getCount(prefixRange(user)) >= CATALOG_LIMITS.favorites)
    throw problems.conflict('favorites-full', `At most ${CATALOG_LIMITS.favorites} favorites per account.`);
  store.favorites.put([user, offer_id], now);
  store.favoritesByTime.put([user, now, offer_id], null);
  store.favoritesByOffer.put([offer_id, user], null);
  return { value: null, events: [{ topic: 'favorites', event: 'favorite.added', data: { user_id: user, offer_id } }] };
}

/** `favorites.remove`: removing one that is not a favorite is not an error. @throws Problem 401. */
export function removeFavorite(store: Store, { offer_id }: FavoriteArgs, _now: number, ctx: CommandContext): HandlerResult {
  const user = callerOf(store, ctx);
  drop(store, user, offer_id);
  return { value: null, events: [{ topic: 'favorites', event: 'favorite.removed', data: { user_id: user, offer_id } }] };
}

/** Removes every favorite naming offer `offerId` (offer deleted). */
export function removeFavoritesOf(store: Store, offerId: string): void {
  for (const [, user] of [...store.favoritesByOffer.getKeys(prefixRange(offerId))] as [string, string][]) drop(store, user, offerId);
}

/** Removes every favorite of account `userId` (account erased). */
export function removeFavoritesBy(store: Store, userId: string): void {
  for (const [, offer] of [...store.favorites.getKeys(prefixRange(userId))] as [string, string][]) drop(store, userId, offer);
}
