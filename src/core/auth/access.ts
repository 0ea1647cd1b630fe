import { problems } from '../errors.ts';
import type { Caller } from './claims.ts';

/**
 * Who may send a command (core/commands.ts), checked by the CommandBus before dispatch:
 * - `public`: anyone, anonymous callers included;
 * - `server`: only the server's own flows (the `/auth/*` routes), which hash passwords and refresh
 *   tokens on the front thread and choose what the args hold; a client frame naming one is refused;
 * - `user`: any authenticated caller; what it may do (team rights, ownership) depends on stored data
 *   and is checked by the handler inside the write transaction;
 * - `{ self }`: an authenticated caller whose id is `self(args)`, or an admin.
 */
export type CommandAccess<A> = 'public' | 'server' | 'user' | { self(args: A): string };

/**
 * Checks that `caller` may send a command guarded by `access` with `args`.
 * @param fromServer true only when the server's own flows send it, never for client input.
 * @throws Problem 401 when an account is needed and `caller` is anonymous; 403 when the args name
 *   another account, or a client sends a server-only command.
 */
export function checkAccess<A>(access: CommandAccess<A>, args: A, caller: Caller | undefined, fromServer: boolean): void {
  if (access === 'public' || fromServer) return;
  if (access === 'server') throw problems.forbidden('This command is sent by the server itself; use the HTTP route.');
  if (caller === undefined) throw problems.unauthorized('This command needs an authenticated caller.');
  if (access === 'user') return;
  if (caller.role !== 'admin' && caller.id !== access.self(args))
    throw problems.forbidden('This command may only act on your own account.');
}
