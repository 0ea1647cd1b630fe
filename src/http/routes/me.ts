import { UserExport } from '../../core/schemas/user-export.ts';
import { Me, UserPatch } from '../../core/schemas/users.ts';
import { bodyValidator } from '../../core/validate.ts';
import type { CommandBus } from '../../workers/command-bus.ts';
import type { Accounts } from '../auth/accounts.ts';
import { commandMeta, requireUser } from '../params.ts';
import { jsonValue } from '../reply.ts';
import type { RouteDef } from '../router.ts';

const validPatch = bodyValidator(UserPatch);
const tags = ['me'];

const caller = requireUser;

/** `GET/PATCH/DELETE /me` and `GET /me/export` (API.md, "Auth and users"). */
export function meRoutes(bus: CommandBus, accounts: Accounts): RouteDef[] {
  return [
    {
      method: 'get', pattern: '/me',
      handler: (ctx) => jsonValue(accounts.me(caller(ctx))),
      doc: { operationId: 'getMe', summary: 'The caller\'s account.', tags, auth: true,
        responses: { 200: { description: 'The account and its team memberships.', schema: Me } }, problems: [] },
    },
    {
      method: 'patch', pattern: '/me', body: true, write: true,
      async handler(ctx) {
        const { id } = caller(ctx);
        await bus.execute('users.update', { id, patch: validPatch(ctx.body) }, commandMeta(ctx));
        return jsonValue(accounts.me(caller(ctx)));
      },
      doc: { operationId: 'updateMe', summary: 'Update the caller\'s profile (JSON merge patch, RFC 7396; `phone: null` removes it).', tags, auth: true,
        body: UserPatch, responses: { 200: { description: 'The updated account; durable on disk.', schema: Me } }, problems: [400, 413, 415, 503] },
    },
    {
      method: 'del', pattern: '/me', write: true,
      async handler(ctx) {
        await bus.execute('users.delete', { id: caller(ctx).id }, commandMeta(ctx));
        return { status: 204 };
      },
      doc: { operationId: 'deleteMe', summary: 'Erase the caller\'s account and sessions; its tokens stop working and its email can register again.',
        tags, auth: true, responses: { 204: { description: 'Erased; durable on disk.' } }, problems: [400, 404, 503] },
    },
    {
      method: 'get', pattern: '/me/export',
      handler: (ctx) => jsonValue(accounts.export(caller(ctx)), 200, { 'Cache-Control': 'no-store' }),
      doc: { operationId: 'exportMe', summary: 'Everything sortie stores about the caller (GDPR right of access).', tags, auth: true,
        responses: { 200: { description: 'The export.', schema: UserExport } }, problems: [] },
    },
  ];
}
