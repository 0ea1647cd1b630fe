import { normaliseEmail, LoginRequest, RefreshRequest, RegisterRequest, TokenPair } from '../../core/schemas/users.ts';
import { bodyValidator } from '../../core/validate.ts';
import type { Accounts } from '../auth/accounts.ts';
import { jsonValue } from '../reply.ts';
import type { RouteDef } from '../router.ts';

const validRegister = bodyValidator(RegisterRequest);
const validLogin = bodyValidator(LoginRequest);
const validRefresh = bodyValidator(RefreshRequest);
const tags = ['auth'];
/** Token answers must not be cached (RFC 6749, section 5.1). */
const NO_STORE = { 'Cache-Control': 'no-store' };
const pairResponse = (description: string) => ({ description, schema: TokenPair, headers: { 'Cache-Control': '`no-store`.' } });

/** The body with its `email` normalised (trim, lower case) before validation. */
function withNormalisedEmail(body: Record<string, unknown> | undefined): unknown {
  return typeof body?.email === 'string' ? { ...body, email: normaliseEmail(body.email) } : body;
}

/** `POST /auth/register|login|refresh|logout` (API.md, "Auth and users"). */
export function authRoutes(accounts: Accounts): RouteDef[] {
  return [
    {
      method: 'post', pattern: '/auth/register', body: true, write: true,
      async handler(ctx) {
        return jsonValue(await accounts.register(validRegister(withNormalisedEmail(ctx.body))), 201, NO_STORE);
      },
      doc: { operationId: 'register', summary: 'Create an account; answers its first token pair.', tags, body: RegisterRequest, idempotencyKey: false,
        responses: { 201: pairResponse('Created; durable on disk.') }, problems: [400, 409, 413, 415, 503] },
    },
    {
      method: 'post', pattern: '/auth/login', body: true, write: true,
      async handler(ctx) {
        const body = validLogin(withNormalisedEmail(ctx.body));
        return jsonValue(await accounts.login(body, ctx.ip), 200, NO_STORE);
      },
      doc: { operationId: 'login', summary: 'Exchange email and password for a token pair; the same 401 for an unknown email and a wrong password.',
        tags, body: LoginRequest, idempotencyKey: false, responses: { 200: pairResponse('A new session.') }, problems: [400, 413, 415, 503] },
    },
    {
      method: 'post', pattern: '/auth/refresh', body: true, write: true,
      async handler(ctx) {
        return jsonValue(await accounts.refresh(validRefresh(ctx.body).refresh_token), 200, NO_STORE);
      },
      doc: { operationId: 'refresh', summary: 'Exchange a refresh token for a new pair; a token used twice revokes its whole session (401).',
        tags, body: RefreshRequest, idempotencyKey: false, responses: { 200: pairResponse('The next pair of the session.') }, problems: [400, 413, 415, 503] },
    },
    {
      method: 'post', pattern: '/auth/logout', body: true, write: true,
      async handler(ctx) {
        await accounts.logout(validRefresh(ctx.body).refresh_token);
        return { status: 204 };
      },
      doc: { operationId: 'logout', summary: 'Revoke the session of a refresh token (an unknown token is not an error, RFC 7009).',
        tags, body: RefreshRequest, idempotencyKey: false, responses: { 204: { description: 'Revoked; durable on disk.' } }, problems: [400, 413, 415, 503] },
    },
  ];
}
