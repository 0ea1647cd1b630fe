import { createHash, randomBytes } from 'node:crypto';

/** Entropy of a refresh token, bytes (256 bits). */
const REFRESH_TOKEN_BYTES = 32;

/**
 * SHA-256 (lower-case hex) of a refresh token: the only form in which sortie stores one, so a copy
 * of the database cannot be replayed. A plain hash suffices: the token is 256 random bits, not a password.
 */
export function refreshTokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** A fresh refresh token (256 random bits, base64url: 43 characters) and its stored hash. */
export function newRefreshToken(): { token: string; hash: string } {
  const token = randomBytes(REFRESH_TOKEN_BYTES).toString('base64url');
  return { token, hash: refreshTokenHash(token) };
}
