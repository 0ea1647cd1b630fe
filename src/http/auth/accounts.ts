import { TOKEN_RULES, type Caller } from '../../core/auth/claims.ts';
import { hashAlgorithm } from '../../core/auth/password.ts';
import { authProblems } from '../../core/auth/problems.ts';
import { newRefreshToken, refreshTokenHash } from '../../core/auth/refresh.ts';
import { problems } from '../../core/errors.ts';
import type { SessionGrant } from '../../core/schemas/sessions.ts';
import type { UserExport } from '../../core/schemas/user-export.ts';
import { toUser, type LoginRequest, type RegisterRequest, type TokenPair, type UserRecord, type UserRegisterArgs, type Me } from '../../core/schemas/users.ts';
import { membershipsOf, prefixRange, sessionsOf, tokensOf } from '../../store/accounts.ts';
import { favoritesPage } from '../../store/catalog-reads.ts';
import { CATALOG_LIMITS } from '../../core/schemas/common.ts';
import { bookingView } from '../../core/schemas/bookings.ts';
import type { Store } from '../../store/store.ts';
import type { Logger } from '../../log.ts';
import type { CommandBus, CommandMeta } from '../../workers/command-bus.ts';
import type { LoginThrottle } from './login-throttle.ts';
import type { Passwords } from './passwords.ts';
import type { TokenService } from './tokens.ts';

export interface AccountDeps {
  store: Store;
  bus: CommandBus;
  tokens: TokenService;
  passwords: Passwords;
  logins: LoginThrottle;
  log: Logger;
}

/** The auth flows send their server-only commands without an idempotency key: their answers hold fresh secrets. */
const SERVER: CommandMeta = { principal: 'anon', fromServer: true };
const iso = (ms: number) => new Date(ms).toISOString();

/**
 * The account flows of the front thread (API.md, "Auth and users"): passwords are hashed here (see
 * passwords.ts), access tokens signed here, and every write goes through the CommandBus to an actor.
 * Reads of the caller's own data (`GET /me`, export) come straight from LMDB.
 */
export class Accounts {
  constructor(private readonly d: AccountDeps) {}


  /**
   * `POST /auth/register`. The email index is checked here only to spare a hash; the actor checks it
   * again inside the write transaction, which is what makes it unique.
   * @throws Problem 409 `email-taken`; 503 when hashing is saturated.
   */
  async register(body: RegisterRequest): Promise<TokenPair> {
    if (this.d.store.usersByEmail.doesExist(body.email)) throw authProblems.emailTaken(body.email);
    const refresh = newRefreshToken();
    const args: UserRegisterArgs = {
      email: body.email, password_hash: await this.d.passwords.hash(body.password),
      first_name: body.first_name, last_name: body.last_name, refresh_hash: refresh.hash,
    };
    if (body.phone !== undefined) args.phone = body.phone;
    const r = await this.d.bus.execute('users.register', args, SERVER);
    return this.pair(r.value as SessionGrant, refresh.token);
  }

  /**
   * `POST /auth/login`. Every attempt is counted before the password is checked (login-throttle.ts:
   * per email and client IP, per client IP, per email); success clears its (email, IP) failures.
   * Unknown email and wrong password get the same 401 after the same amount of hashing. A password hashed
   * at a lower cost than SCRYPT_COST_LOG2 is hashed again and stored before the answer (see `rehash`).
   * @throws Problem 401 `invalid-credentials`; 429 past LOGIN_FAILURES_PER_ACCOUNT/PER_IP/PER_EMAIL in 15 min.
   */
  async login(body: LoginRequest, ip: string): Promise<TokenPair> {
    this.d.logins.attempt(body.email, ip, Date.now());
    const id = this.d.store.usersByEmail.get(body.email);
    const user = id === undefined ? undefined : this.d.store.users.get(id);
    if (!(await this.d.passwords.check(body.password, user?.password_hash)) || user === undefined) throw authProblems.invalidCredentials();
    this.d.logins.succeeded(body.email, ip);
    const rehashed = this.d.passwords.outdated(user.password_hash) ? this.rehash(user, body.password) : undefined;
    const refresh = newRefreshToken();
    const r = await this.d.bus.execute('sessions.open', { user_id: user.id, refresh_hash: refresh.hash }, SERVER);
    await rehashed;
    return this.pair(r.value as SessionGrant, refresh.token);
  }

  /**
   * Hashes `password` (just verified against `user.password_hash`) at the current cost and stores it with
   * `users.rehash_password`, which replaces the hash only if it is still the one verified. Never fails the
   * login: a refusal (hashing saturated, 503) or a fault is logged and the old hash stays until a later login.
   */
  private async rehash(user: UserRecord, password: string): Promise<void> {
    try {
      const args = { id: user.id, old_hash: user.password_hash, new_hash: await this.d.passwords.hash(password) };
      const r = await this.d.bus.execute('users.rehash_password', args, SERVER);
      const { rehashed } = r.value as { rehashed: boolean };
      this.d.log.info({ user_id: user.id }, rehashed ? 'password rehashed at the current scrypt cost' : 'password rehash skipped: the stored hash changed meanwhile');
    } catch (err) {
      this.d.log.warn({ err, user_id: user.id }, 'password rehash failed; the former hash stays');
    }
  }

  /**
   * `POST /auth/refresh`: exchanges a refresh token for a new pair.
   * @throws Problem 401 `invalid-refresh-token`, or `refresh-token-reused` (its whole session is now revoked).
   */
  async refresh(token: string): Promise<TokenPair> {
    const next = newRefreshToken();
    const r = await this.d.bus.execute('sessions.refresh', { refresh_hash: refreshTokenHash(token), next_hash: next.hash }, SERVER);
    return this.pair(r.value as SessionGrant, next.token);
  }

  /** `POST /auth/logout`: revokes the session of the refresh token (an unknown one is not an error). */
  async logout(token: string): Promise<void> {
    await this.d.bus.execute('sessions.revoke', { refresh_hash: refreshTokenHash(token) }, SERVER);
  }

  /** `GET /me`: the account and its team memberships. @throws Problem 401 when the account was deleted meanwhile. */
  me(caller: Caller): Me {
    return { ...toUser(this.load(caller.id)), memberships: membershipsOf(this.d.store, caller.id) };
  }

  /** `GET /me/export`: everything stored about the caller (core/schemas/user-export.ts). */
  export(caller: Caller): UserExport {
    const { store } = this.d;
    const user = this.load(caller.id);
    return {
      exported_at: iso(Date.now()),
      user: { ...toUser(user), updated_at: user.updated_at },
      memberships: membershipsOf(store, user.id),
      bookings: [...store.bookingsByUser.getKeys({ start: [user.id, '\uffff'], end: [user.id], reverse: true })]
        .flatMap(([, id]) => { const b = store.bookings.get(id); return b === undefined ? [] : [bookingView(b, null)]; }),
      favorites: favoritesPage(store, user.id, undefined, CATALOG_LIMITS.favorites).map(([offerId, at]) => ({ offer_id: offerId, added_at: iso(at) })),
      password: { algorithm: hashAlgorithm(user.password_hash) },
      sessions: sessionsOf(store, user.id).map((s) => ({
        id: s.id, created_at: iso(s.created_at), last_used_at: iso(s.last_used_at), expires_at: iso(s.expires_at),
        revoked_at: s.revoked_at === null ? null : iso(s.revoked_at),
        refresh_tokens: tokensOf(store, s.id).map(([, t]) => ({
          issued_at: iso(t.issued_at), expires_at: iso(t.expires_at), used_at: t.used_at === null ? null : iso(t.used_at),
        })),
      })),
      idempotency_keys: [...store.idempotency.getRange(prefixRange(user.id))].map(({ key, value }) => ({ key: key[1], created_at: iso(value.created_at) })),
    };
  }

  private load(id: string): UserRecord {
    const user = this.d.store.users.get(id);
    if (user === undefined) throw problems.invalidToken('The account of this access token no longer exists.');
    return user;
  }

  private async pair(grant: SessionGrant, refreshToken: string): Promise<TokenPair> {
    if (grant.status === 'reused') throw authProblems.refreshTokenReused();
    const user = grant.user;
    return {
      access_token: await this.d.tokens.issue(user), refresh_token: refreshToken, token_type: 'Bearer',
      expires_in: TOKEN_RULES.accessTtlS, user,
    };
  }
}
