import type { CommandArgs, CommandName } from '../../core/commands.ts';
import type { Store } from '../../store/store.ts';
import { createArea, deleteArea, updateArea } from './areas.ts';
import { openSession, refreshSession, revokeSession } from './sessions.ts';
import type { HandlerResult } from './types.ts';
import { deleteUser, registerUser, updateUser } from './users.ts';

/**
 * A command handler: runs synchronously inside one LMDB write transaction on its partition actor.
 * It must do every check before its first write, and throw a `Problem` to refuse.
 * @param now epoch ms of the execution, the source of every timestamp it writes.
 */
export type Handler<N extends CommandName> = (store: Store, args: CommandArgs<N>, now: number) => HandlerResult;

/** One handler per command of the catalog (core/commands.ts). */
export const handlers: { [N in CommandName]: Handler<N> } = {
  'areas.create': createArea,
  'areas.update': updateArea,
  'areas.delete': deleteArea,
  'users.register': registerUser,
  'users.update': updateUser,
  'users.delete': deleteUser,
  'sessions.open': openSession,
  'sessions.refresh': refreshSession,
  'sessions.revoke': revokeSession,
};
