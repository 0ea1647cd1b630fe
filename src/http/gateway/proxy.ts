import type { Logger } from '../../log.ts';
import { Problem } from '../../core/errors.ts';
import type { RequestContext, StreamedReply } from '../router.ts';
import type { ResponseCache } from './cache.ts';
import { headerValue, upstreamRequestHeaders } from './headers.ts';
import { gatewayProblems } from './problems.ts';
import { storedReply, streamedReply } from './respond.ts';
import { continueTrace, traceparentOf, type TraceContext } from './traceparent.ts';
import type { Upstream } from './upstream.ts';

const ROUTE = '/proxy/*';
const PREFIX_LENGTH = '/proxy'.length;
/** A `.` or `..` path segment, plain or percent-encoded (RFC 3986 §5.2.4): it could climb out of UPSTREAM_URL's path. */
const DOT_SEGMENT = /(^|\/)(\.|%2e){1,2}(\/|$)/i;

/**
 * `ANY /proxy/*` (../shared/API.md, "Gateway"): forwards the request to UPSTREAM_URL + the rest of
 * the path, with its method, raw query, end-to-end headers (headers.ts) and streamed body, under
 * the client's W3C trace (a new one when it sent none), and relays the answer. GETs without
 * `Authorization` go through the response cache when `ttlMs` > 0 (answers are then read whole);
 * everything else is streamed both ways. Each request is logged with its trace ids.
 */
export class ReverseProxy {
  constructor(
    private readonly upstream: Upstream,
    private readonly cache: ResponseCache,
    private readonly ttlMs: number,
    private readonly log: Logger,
  ) {}

  /** @throws Problem 502/503/504 when the upstream fails (see Upstream), 413 when the body is over the limit, 400 for CONNECT or a dot segment. */
  async handle(ctx: RequestContext): Promise<StreamedReply> {
    const f = ctx.forward as NonNullable<RequestContext['forward']>;
    if (ctx.method === 'CONNECT') throw gatewayProblems.unforwardable('CONNECT (a tunnel) is not forwarded.');
    const rest = ctx.path.slice(PREFIX_LENGTH) || '/';
    if (DOT_SEGMENT.test(rest)) throw gatewayProblems.unforwardable('The path has a `.` or `..` segment; send it normalised.');
    const trace = continueTrace(headerValue(f.headers, 'traceparent'));
    const path = `${this.upstream.prefix}${rest}${ctx.query === '' ? '' : `?${ctx.query}`}`;
    const request = {
      route: ROUTE, method: ctx.method, path, body: f.body,
      headers: upstreamRequestHeaders(f.headers, { peer: f.peer, traceparent: traceparentOf(trace) }),
    };
    const start = performance.now();
    const logged = (status: number, cache?: string) => this.logRequest(trace, ctx.method, path, status, start, cache);
    try {
      if (this.ttlMs > 0 && ctx.method === 'GET' && f.body === undefined && headerValue(f.headers, 'authorization') === '') {
        // Not cancelled with its client: the fetch may be shared by other requests (coalescing).
        const found = await this.cache.get(path, this.ttlMs, (name) => headerValue(f.headers, name), () => this.upstream.fetch(request, this.cache.maxEntryBytes));
        logged(found.response.status, found.outcome);
        return storedReply(found.response, found.age);
      }
      const ex = await this.upstream.send({ ...request, client: f });
      logged(ex.status);
      return streamedReply(ex, ctx.method === 'HEAD', f, (err) => {
        this.upstream.problem(err); // counts the failure by kind
        this.log.warn({ trace_id: trace.traceId, span_id: trace.spanId, err: err.message, path }, 'upstream body failed midway');
      });
    } catch (err) {
      if (err instanceof Problem) logged(err.status);
      throw err;
    }
  }

  private logRequest(t: TraceContext, method: string, path: string, status: number, start: number, cache: string | undefined): void {
    this.log.info({
      trace_id: t.traceId, span_id: t.spanId, parent_id: t.parentId, method, upstream_path: path, status,
      ms: Math.round((performance.now() - start) * 1000) / 1000, cache,
    }, 'proxied');
  }
}
