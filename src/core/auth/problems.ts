import { Problem, problems } from '../errors.ts';

/** Problems of the account and session flows (API.md, "Auth and users"). */
export const authProblems = {
  /** The one answer to a failed login, whether the email is unknown or the password wrong. */
  invalidCredentials: () => new Problem(401, 'invalid-credentials', 'Invalid credentials', 'The email or the password is wrong.'),
  invalidRefreshToken: () =>
    new Problem(401, 'invalid-refresh-token', 'Invalid refresh token', 'The refresh token is unknown, expired or revoked; log in again.'),
  refreshTokenReused: () =>
    new Problem(401, 'refresh-token-reused', 'Refresh token reused',
      'This refresh token was already used, so its whole session is now revoked; log in again.'),
  emailTaken: (email: string) => problems.conflict('email-taken', `An account already uses ${email}.`),
  accountGone: (id: string) => problems.notFound(`Account ${id} does not exist.`),
} as const;
