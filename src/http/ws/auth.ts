import type { HttpRequest, HttpResponse, us_socket_context_t } from 'uWebSockets.js';
import type { Caller } from '../../core/auth/claims.ts';
import { Problem } from '../../core/errors.ts';
import type { Logger } from '../../log.ts';
import type { CommandMeta } from '../../workers/command-bus.ts';
import { anonymousPrincipal } from '../auth/client-ip.ts';
import type { Gate } from '../auth/gate.ts';
import { internalError, problemReply, writeReply } from '../reply.ts';

/** Who is at the other end of a socket: its client address and the access token it authenticated with. */
export interface SocketIdentity {
  ip: string;
  /** From `?access_token=` or the last `auth` frame that verified; undefined while anonymous. */
  token: string | undefined;
}

/**
 * Upgrade of `GET /ws` (API.md, "WebSocket"): counts the upgrade as one request of its client, and
 * authenticates `?access_token=` when present. An invalid token or a full window is refused with the
 * problem+json reply HTTP would give (401, 429) instead of upgrading.
 * @param upgrade performs `res.upgrade` with the socket's identity (inside a cork when late).
 */
export function authenticatedUpgrade(gate: Gate, log: Logger,
  upgrade: (res: HttpResponse, identity: SocketIdentity, headers: [string, string, string], context: us_socket_context_t) => void) {
  return (res: HttpResponse, req: HttpRequest, context: us_socket_context_t): void => {
    const headers: [string, string, string] = [req.getHeader('sec-websocket-key'), req.getHeader('sec-websocket-protocol'), req.getHeader('sec-websocket-extensions')];
    const identity: SocketIdentity = {
      ip: gate.clientIp(Buffer.from(res.getRemoteAddressAsText()).toString(), req.getHeader('x-forwarded-for')),
      token: new URLSearchParams(req.getQuery() ?? '').get('access_token') ?? undefined,
    };
    const refuse = (err: unknown) => {
      if (!(err instanceof Problem)) log.error({ err }, 'websocket upgrade failed');
      writeReply(res, err instanceof Problem ? problemReply(err) : internalError());
    };
    const admit = (caller: Caller | undefined) => {
      gate.count(caller, identity);
      upgrade(res, identity, headers, context);
    };
    try {
      const caller = identity.token === undefined ? undefined : gate.authenticate(identity.token, identity);
      if (!(caller instanceof Promise)) return admit(caller);
      let aborted = false;
      res.onAborted(() => { aborted = true; });
      caller.then(
        (c) => { if (!aborted) res.cork(() => { try { admit(c); } catch (err) { refuse(err); } }); },
        (err) => { if (!aborted) res.cork(() => refuse(err)); },
      );
    } catch (err) {
      refuse(err);
    }
  };
}

/**
 * The meta of a socket's `command` frame: re-checks its token (a cache hit unless evicted; an expired
 * token or a deleted account is refused) and counts the frame in its caller's window.
 * @throws Problem 401 `invalid-token`; 429 over the limit (as the rejection).
 */
export async function frameMeta(gate: Gate, socket: SocketIdentity, idempotencyKey: string | undefined): Promise<CommandMeta> {
  const caller = socket.token === undefined ? undefined : await gate.authenticate(socket.token, socket);
  gate.count(caller, socket);
  return { principal: caller?.id ?? anonymousPrincipal(socket.ip), caller, idempotencyKey };
}
