import type { Role } from '../schemas/users.ts';

/** The authenticated sender of a request or WebSocket frame, as a verified access token names it. */
export interface Caller {
  /** User id (UUIDv7): the token's `sub`. */
  id: string;
  role: Role;
}

/** Names and lifetimes of sortie's tokens (API.md, "Auth and users"). */
export const TOKEN_RULES = {
  /** `iss` of every access token. */
  issuer: 'https://sortie.dev',
  /** `aud` of every access token. */
  audience: 'sortie-api',
  /** Access token lifetime, seconds (15 min). */
  accessTtlS: 15 * 60,
  /** Refresh token lifetime, ms (7 days). */
  refreshTtlMs: 7 * 24 * 60 * 60 * 1000,
  /** Clock skew accepted on `exp`/`iat`/`nbf`, seconds. */
  clockToleranceS: 5,
} as const;

/** Claims set of an access token (RFC 7519, section 4.1, plus `role`). Times are epoch seconds. */
export interface AccessClaims {
  sub: string;
  role: Role;
  iat: number;
  exp: number;
  iss: string;
  aud: string;
  jti: string;
}
