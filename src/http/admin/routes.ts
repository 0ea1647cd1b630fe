import { createHash, timingSafeEqual } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import { Problem, problems } from '../../core/errors.ts';
import { storeBytes, storeEntries, type FrontMetrics, type WsStats } from '../../metrics/front.ts';
import type { Store } from '../../store/store.ts';
import type { CommandBus } from '../../workers/command-bus.ts';
import type { Partitions } from '../../workers/partitions.ts';
import type { ReadSide } from '../reads/read-side.ts';
import { RoleChange, User } from '../../core/schemas/users.ts';
import { bodyValidator } from '../../core/validate.ts';
import { uuidParam } from '../params.ts';
import { jsonValue, type Reply } from '../reply.ts';
import type { RequestContext, RouteDef } from '../router.ts';
import type { Backups } from './backup.ts';

/** What the admin routes read. */
export interface AdminDeps {
  metrics: FrontMetrics | undefined;
  store: Store;
  partitions: Partitions;
  bus: CommandBus;
  reads: ReadSide;
  ws: WsStats;
  backups: Backups;
  version: string;
  /** When set, every admin route requires `Authorization: Bearer <token>`. */
  token: string | undefined;
}

const validRole = bodyValidator(RoleChange);
const sha256 = (s: string) => createHash('sha256').update(s).digest();

/**
 * Checks `Authorization: Bearer <token>` in constant time (both sides hashed to 32 bytes first,
 * so neither length nor content leaks through timing).
 * @throws Problem 401 when the token is missing or wrong.
 */
function guard(expected: string | undefined): (ctx: RequestContext) => void {
  if (expected === undefined) return () => undefined;
  const want = sha256(expected);
  return (ctx) => {
    const m = /^Bearer (.+)$/i.exec(ctx.header('authorization'));
    if (m === null || !timingSafeEqual(sha256(m[1] ?? ''), want))
      throw new Problem(401, 'unauthorized', 'Unauthorized', 'This admin route needs Authorization: Bearer $ADMIN_TOKEN.', undefined,
        { 'WWW-Authenticate': 'Bearer realm="sortie-admin"' });
  };
}

/** Routes of the admin listener (API.md "Admin"): `/metrics`, `/admin/stats`, `/admin/backup`, `/admin/users/{id}/role`. */
export function adminRoutes(d: AdminDeps): RouteDef[] {
  const check = guard(d.token);
  const started = Date.now();
  const tags = ['admin'];
  const problemsOf = d.token === undefined ? [] : [401];
  return [
    {
      method: 'get', pattern: '/metrics',
      async handler(ctx): Promise<Reply> {
        check(ctx);
        if (d.metrics === undefined) throw problems.notFound('Metrics are off (METRICS=off).');
        return { status: 200, body: await d.metrics.exposition(), type: d.metrics.contentType };
      },
      doc: { operationId: 'metrics', summary: 'Prometheus text exposition of every thread.', tags, responses: { 200: { description: 'Metrics.' } }, problems: [...problemsOf, 404] },
    },
    {
      method: 'get', pattern: '/admin/stats',
      handler(ctx): Reply {
        check(ctx);
        const c = d.reads.stats();
        const lookups = c.hits + c.misses;
        return jsonValue({
          version: d.version,
          uptime_s: Math.round((Date.now() - started) / 1000),
          partitions: d.partitions.queueDepths().map((queue_depth, partition) => ({ partition, queue_depth })),
          commands_in_flight: d.bus.pending,
          cache: { entries: c.size, max: c.max, hits: c.hits, misses: c.misses, evictions: c.evictions, hit_ratio: lookups === 0 ? null : c.hits / lookups,
            page_hits: c.pageHits, page_misses: c.pageMisses },
          store: { bytes: storeBytes(d.store), entries: storeEntries(d.store) },
          ws: { connections: d.ws.connections },
        });
      },
      doc: { operationId: 'stats', summary: 'Partitions, queues, cache, store and uptime, for humans.', tags,
        responses: { 200: { description: 'Stats.', schema: Type.Object({}) } }, problems: problemsOf },
    },
    {
      method: 'put', pattern: '/admin/users/:id/role', body: true, write: true,
      async handler(ctx): Promise<Reply> {
        check(ctx);
        const id = uuidParam(ctx.params[0] ?? '', 'id');
        const { role } = validRole(ctx.body);
        const r = await d.bus.execute('users.set_role', { id, role }, { principal: 'admin', fromServer: true });
        return jsonValue(r.value);
      },
      doc: { operationId: 'setUserRole', summary: 'Make or unmake an admin: the only way to grant the role (an operator act).', tags,
        pathParams: { id: Type.String({ format: 'uuid', description: 'User id.' }) }, body: RoleChange,
        responses: { 200: { description: 'The account; the role applies from its next request.', schema: User } }, problems: [...problemsOf, 400, 404, 415] },
    },
    {
      method: 'post', pattern: '/admin/backup',
      async handler(ctx): Promise<Reply> {
        check(ctx);
        return jsonValue(await d.backups.take(), 201);
      },
      doc: { operationId: 'backup', summary: 'Hot consistent copy of the LMDB environment under DATA_DIR/backups.', tags,
        responses: { 201: { description: 'Path, size, time.' } }, problems: [...problemsOf, 409] },
    },
  ];
}
