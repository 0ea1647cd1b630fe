import type { CommandArgs, CommandName } from '../../core/commands.ts';
import type { Store } from '../../store/store.ts';
import { createArea, deleteArea, updateArea } from './areas.ts';
import { cancelBooking, checkInBooking, confirmBooking, createBooking, expireBooking } from './bookings.ts';
import { createEstablishment, deleteEstablishment, updateEstablishment } from './establishments.ts';
import { addFavorite, removeFavorite } from './favorites.ts';
import { addMember, removeMember } from './members.ts';
import { createOffer, deleteOffer, updateOffer } from './offers.ts';
import { createPartner, deletePartner, updatePartner } from './partners.ts';
import { openSession, refreshSession, revokeSession } from './sessions.ts';
import type { CommandContext, HandlerResult } from './types.ts';
import { deleteUser, registerUser, rehashPassword, setUserRole, updateUser } from './users.ts';

/**
 * A command handler: runs synchronously inside one LMDB write transaction on its partition actor.
 * It must do every check before its first write, and throw a `Problem` to refuse.
 * @param now epoch ms of the execution, the source of every timestamp it writes.
 * @param ctx the caller and the id assigned before dispatch.
 */
export type Handler<N extends CommandName> = (store: Store, args: CommandArgs<N>, now: number, ctx: CommandContext) => HandlerResult;

/** One handler per command of the catalog (core/commands.ts). */
export const handlers: { [N in CommandName]: Handler<N> } = {
  'areas.create': createArea,
  'areas.update': updateArea,
  'areas.delete': deleteArea,
  'partners.create': createPartner,
  'partners.update': updatePartner,
  'partners.delete': deletePartner,
  'members.add': addMember,
  'members.remove': removeMember,
  'establishments.create': createEstablishment,
  'establishments.update': updateEstablishment,
  'establishments.delete': deleteEstablishment,
  'offers.create': createOffer,
  'offers.update': updateOffer,
  'offers.delete': deleteOffer,
  'favorites.add': addFavorite,
  'favorites.remove': removeFavorite,
  'bookings.create': createBooking,
  'bookings.confirm': confirmBooking,
  'bookings.check_in': checkInBooking,
  'bookings.cancel': cancelBooking,
  'bookings.expire': expireBooking,
  'users.set_role': setUserRole,
  'users.register': registerUser,
  'users.update': updateUser,
  'users.rehash_password': rehashPassword,
  'users.delete': deleteUser,
  'sessions.open': openSession,
  'sessions.refresh': refreshSession,
  'sessions.revoke': revokeSession,
};
