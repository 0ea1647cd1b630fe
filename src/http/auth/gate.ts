import type { Caller } from '../../core/auth/claims.ts';
import { problems } from '../../core/errors.ts';
import type { Role } from '../../core/schemas/users.ts';
import type { RequestContext } from '../router.ts';
import { ipKey, type ClientIpResolver } from './client-ip.ts';
import { rateHeaders, type FixedWindowLimiter, type RateState } from './ratelimit.ts';
import type { TokenService, VerifiedToken } from './tokens.ts';

/** Headers the gate adds to a reply (`RateLimit-*`), or undefined when there are none. */
export type GateHeaders = Readonly<Record<string, string>> | undefined;

/** Per-minute request windows: anonymous callers per client IP, authenticated ones per user. */
export interface RequestLimits {
  anon: FixedWindowLimiter;
  user: FixedWindowLimiter;
}

export interface GateOptions {
  tokens: TokenService;
  /**
   * The stored role of account `id`, or undefined once it is deleted (its tokens are then refused).
   * The stored role wins over the token's claim, so a role granted or withdrawn on the admin
   * listener takes effect on the account's next request (auth/setup.ts caches it per account and
   * drops an entry on the `users` events of the commands that change it).
   */
  accountRole(id: string): Role | undefined;
  clientIp: ClientIpResolver;
  /** Undefined when `RATE_LIMIT=off`. */
  limits: RequestLimits | undefined;
}

/** Where a request or frame comes from; `ip` is read only when a window needs it (it may be computed lazily). */
export interface Client {
  readonly ip: string;
}

/**
 * The token of `Authorization: Bearer <token>` (RFC 6750, section 2.1: the scheme is
 * case-insensitive), or undefined for anything else. No regex: it runs on every authenticated request.
 */
function bearerToken(authorization: string): string | undefined {
  if (authorization.length < 8 || authorization.slice(0, 7).toLowerCase() !== 'bearer ') return undefined;
  const token = authorization.slice(7).trim();
  return token === '' || token.includes(' ') ? undefined : token;
}

/**
 * Authentication and rate limiting of every public request and WebSocket command, in one place.
 *
 * Cost when nothing applies (`RATE_LIMIT=off`, no `Authorization`): one header test. A token seen
 * before costs a cache lookup and a role lookup (cached; its commands' events refresh it); an unseen one a jose verification, which
 * is first counted against the client IP's anonymous window, so forged tokens are throttled as
 * anonymous traffic.
 */
export class Gate {
  constructor(private readonly o: GateOptions) {}

  /** The client address of a request (see client-ip.ts). */
  clientIp(peer: string, forwardedFor: string): string {
    return this.o.clientIp(peer, forwardedFor);
  }

  /**
   * Admits an HTTP request: sets `ctx.user` from its bearer token and counts it in its window.
   * @returns the rate-limit headers for the reply (synchronously when the token is cached or absent).
   * @throws Problem 401 for a malformed `Authorization` or an invalid token; 429 over the limit.
   */
  admit(ctx: RequestContext): GateHeaders | Promise<GateHeaders> {
    const authorization = ctx.header('authorization');
    if (authorization === '') return this.o.limits === undefined ? undefined : this.count(undefined, ctx);
    const token = bearerToken(authorization);
    if (token === undefined) throw problems.unauthorized('Authorization must be `Bearer <access token>`.');
    const caller = this.authenticate(token, ctx);
    const admitted = (c: Caller) => {
      ctx.user = c;
      return this.count(c, ctx);
    };
    return caller instanceof Promise ? caller.then(admitted) : admitted(caller);
  }

  /**
   * The caller named by an access token.
   * @param client charged one anonymous request when the token needs a full verification.
   * @throws Problem 401 `invalid-token`; 429 when that charge goes over the client's limit.
   */
  authenticate(token: string, client: Client): Caller | Promise<Caller> {
    const known = this.o.tokens.cached(token);
    if (known !== undefined) return this.live(known);
    if (this.o.limits !== undefined) this.check(this.o.limits.anon.hit(ipKey(client.ip), Date.now()));
    return this.o.tokens.verify(token).then((v) => this.live(v));
  }

  /**
   * Counts one request of `caller` (or of the anonymous `client`, by IP) in its window.
   * @returns the `RateLimit-*` headers, or undefined when rate limiting is off.
   * @throws Problem 429 with `Retry-After` once the window's limit is passed.
   */
  count(caller: Caller | undefined, client: Client): GateHeaders {
    const limits = this.o.limits;
    if (limits === undefined) return undefined;
    const now = Date.now();
    return this.check(caller === undefined ? limits.anon.hit(ipKey(client.ip), now) : limits.user.hit(caller.id, now));
  }

  private check(state: RateState): GateHeaders {
    const headers = rateHeaders(state);
    if (state.exceeded)
      throw problems.tooManyRequests(state.resetS, `More than ${state.limit} requests this minute; retry in ${state.resetS} s.`, headers);
    return headers;
  }

  private live(v: VerifiedToken): Caller {
    const role = this.o.accountRole(v.caller.id);
    if (role === undefined) throw problems.invalidToken('The account of this access token no longer exists.');
    return role === v.caller.role ? v.caller : { id: v.caller.id, role };
  }
}
