import { v7 as uuidv7 } from 'uuid';
import { TOKEN_RULES } from '../../core/auth/claims.ts';
import { authProblems } from '../../core/auth/problems.ts';
import type { RefreshRecord, SessionGrant, SessionOpenArgs, SessionRecord, SessionRefreshArgs, SessionRevokeArgs } from '../../core/schemas/sessions.ts';
import { toUser } from '../../core/schemas/users.ts';
import { prefixRange, sessionsOf } from '../../store/accounts.ts';
import type { Store } from '../../store/store.ts';
import type { HandlerResult } from './types.ts';

function addToken(store: Store, hash: string, rec: RefreshRecord): void {
  store.refreshTokens.put(hash, rec);
  store.refreshByFamily.put([rec.family, rec.issued_at, hash], null);
}

/** Removes the refresh tokens of `family` issued before `before` (epoch ms), or all of them. */
function dropTokens(store: Store, family: string, before = Infinity): void {
  const range = before === Infinity ? prefixRange(family) : { start: [family], end: [family, before] };
  for (const key of [...store.refreshByFamily.getKeys(range)]) {
    store.refreshTokens.remove(key[2]);
    store.refreshByFamily.remove(key);
  }
}

/** Removes a session and all its refresh tokens. Call inside the write transaction. */
export function dropSession(store: Store, s: SessionRecord): void {
  dropTokens(store, s.id);
  store.sessions.remove([s.user_id, s.id]);
}

/** True when session `s` can no longer be refreshed at `now` (epoch ms): revoked or expired. Dead sessions are dropped at the account's next login and by the sweep. */
export function sessionDead(s: SessionRecord, now: number): boolean {
  return s.revoked_at !== null || s.expires_at <= now;
}

/** Erases every session of `userId` with its tokens (account deletion). */
export function eraseSessions(store: Store, userId: string): void {
  for (const s of sessionsOf(store, userId)) dropSession(store, s);
}

/** Opens a session (new family) for `userId` whose first refresh token has SHA-256 `hash`. Call inside the write transaction. */
export function openFamily(store: Store, userId: string, hash: string, now: number): void {
  const id = uuidv7({ msecs: now });
  const expires = now + TOKEN_RULES.refreshTtlMs;
  store.sessions.put([userId, id], { id, user_id: userId, created_at: now, last_used_at: now, expires_at: expires, revoked_at: null });
  addToken(store, hash, { user_id: userId, family: id, issued_at: now, expires_at: expires, used_at: null });
}

/**
 * `sessions.open` (login): drops the account's dead sessions (revoked or expired), then opens a new one.
 * @throws Problem 401 `invalid-credentials` when the account was deleted after its password was checked.
 */
export function openSession(store: Store, { user_id, refresh_hash }: SessionOpenArgs, now: number): HandlerResult {
  const user = store.users.get(user_id);
  if (user === undefined) throw authProblems.invalidCredentials();
  for (const s of sessionsOf(store, user_id)) if (sessionDead(s, now)) dropSession(store, s);
  openFamily(store, user_id, refresh_hash, now);
  const grant: SessionGrant = { status: 'issued', user: toUser(user) };
  return { value: grant, events: [] };
}

/**
 * `sessions.refresh`: uses the presented token up and adds `next_hash` to its family, dropping the
 * family's expired tokens. A token already used is a replay (RFC 9700, section 4.14.2): the whole family
 * is revoked and the value is `{status: 'reused'}` (the write must commit, so this is not a throw).
 * @throws Problem 401 `invalid-refresh-token` for an unknown, expired or revoked token.
 */
export function refreshSession(store: Store, { refresh_hash, next_hash }: SessionRefreshArgs, now: number): HandlerResult {
  const token = store.refreshTokens.get(refresh_hash);
  const session = token === undefined ? undefined : store.sessions.get([token.user_id, token.family]);
  const user = token === undefined ? undefined : store.users.get(token.user_id);
  if (token === undefined || session === undefined || user === undefined || session.revoked_at !== null || token.expires_at <= now)
    throw authProblems.invalidRefreshToken();
  if (token.used_at !== null) {
    store.sessions.put([session.user_id, session.id], { ...session, revoked_at: now });
    const reused: SessionGrant = { status: 'reused' };
    return { value: reused, events: [] };
  }
  const expires = now + TOKEN_RULES.refreshTtlMs;
  store.refreshTokens.put(refresh_hash, { ...token, used_at: now });
  addToken(store, next_hash, { user_id: token.user_id, family: token.family, issued_at: now, expires_at: expires, used_at: null });
  dropTokens(store, token.family, now - TOKEN_RULES.refreshTtlMs + 1);
  store.sessions.put([session.user_id, session.id], { ...session, last_used_at: now, expires_at: expires });
  const grant: SessionGrant = { status: 'issued', user: toUser(user) };
  return { value: grant, events: [] };
}

/**
 * `sessions.revoke` (logout): revokes the session of the token. An unknown, expired or already
 * revoked token is not an error (RFC 7009, section 2.2): the answer is the same.
 */
export function revokeSession(store: Store, { refresh_hash }: SessionRevokeArgs, now: number): HandlerResult {
  const token = store.refreshTokens.get(refresh_hash);
  const session = token === undefined ? undefined : store.sessions.get([token.user_id, token.family]);
  if (session !== undefined && session.revoked_at === null) store.sessions.put([session.user_id, session.id], { ...session, revoked_at: now });
  return { value: null, events: [] };
}
