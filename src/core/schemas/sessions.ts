import { Type, type Static } from '@sinclair/typebox';
import { Uuid } from './common.ts';
import { Sha256Hex, type User } from './users.ts';

/**
 * Sessions are refresh-token families: login (or register) opens one with a first refresh token;
 * each refresh uses the presented token up and adds its successor to the same family; presenting a
 * used token again revokes the family (RFC 9700, section 4.14.2: refresh token rotation), and so
 * does logout. Refresh tokens are stored only as their SHA-256 (core/auth/refresh.ts).
 */

/** Args of `sessions.open` (login): the account and the hash of its first refresh token. */
export const SessionOpenArgs = Type.Object({ user_id: Uuid('User id.'), refresh_hash: Sha256Hex }, { additionalProperties: false });
export type SessionOpenArgs = Static<typeof SessionOpenArgs>;

/** Args of `sessions.refresh`: the hash of the presented token and of its successor. */
export const SessionRefreshArgs = Type.Object({ refresh_hash: Sha256Hex, next_hash: Sha256Hex }, { additionalProperties: false });
export type SessionRefreshArgs = Static<typeof SessionRefreshArgs>;

/** Args of `sessions.revoke` (logout): the hash of a token of the family to revoke. */
export const SessionRevokeArgs = Type.Object({ refresh_hash: Sha256Hex }, { additionalProperties: false });
export type SessionRevokeArgs = Static<typeof SessionRevokeArgs>;

/** A session as stored (db `sessions`, key `[user_id, id]`). Times are epoch ms. */
export interface SessionRecord {
  /** Family id (UUIDv7). */
  id: string;
  user_id: string;
  created_at: number;
  last_used_at: number;
  /** When its newest refresh token expires: the session is dead after that. */
  expires_at: number;
  /** When it was revoked (logout, reuse, account deletion), or null while live. */
  revoked_at: number | null;
}

/** A refresh token as stored (db `refresh_tokens`, key: its SHA-256 hex). Times are epoch ms. */
export interface RefreshRecord {
  user_id: string;
  /** Session (family) id. */
  family: string;
  issued_at: number;
  expires_at: number;
  /** When it was exchanged for its successor; a second use revokes the family. */
  used_at: number | null;
}

/**
 * Value of `users.register`, `sessions.open` and `sessions.refresh`: `issued` when a new refresh
 * token (the one whose hash was sent) is now valid for `user`; `reused` when the presented token had
 * already been used, so its whole family was revoked (the caller answers 401).
 */
export type SessionGrant = { status: 'issued'; user: User } | { status: 'reused' };
