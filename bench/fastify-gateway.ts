/**
 * The usual Node.js gateway, for comparison in bench:load (issue 10: "a Fastify + undici gateway is
 * the usual choice"): Fastify 5 with @fastify/reply-from (undici underneath, keep-alive pool of the
 * same size as sortie's), forwarding `ANY /proxy/*` to UPSTREAM_URL. No cache, breaker or tracing.
 *
 * Environment: `PORT` (required), `UPSTREAM_URL` (required), `HOST` (default 127.0.0.1). Exits 1
 * when it cannot listen; stops on SIGTERM/SIGINT.
 * Run by bench/lib/gateway.ts as `node --import tsx bench/fastify-gateway.ts`.
 */
import replyFrom from '@fastify/reply-from';
import Fastify from 'fastify';

const app = Fastify({ logger: false });
await app.register(replyFrom, { base: process.env.UPSTREAM_URL, undici: { connections: 256, pipelining: 1 } });
app.all('/proxy/*', (req, reply) => reply.from(req.url.slice('/proxy'.length)));
try {
  await app.listen({ host: process.env.HOST ?? '127.0.0.1', port: Number(process.env.PORT) });
} catch (err) {
  process.stderr.write(`fastify-gateway: ${String(err)}\n`);
  process.exit(1);
}
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => void app.close().then(() => process.exit(0)));
