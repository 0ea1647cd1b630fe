import type { Readable } from 'node:stream';
import type { TObject, TSchema } from '@sinclair/typebox';
import type { HttpRequest, HttpResponse, TemplatedApp } from 'uWebSockets.js';
import type { Caller } from '../core/auth/claims.ts';
import { Problem, problems } from '../core/errors.ts';
import type { Logger } from '../log.ts';
import type { FrontMetrics } from '../metrics/front.ts';
import type { RouteRecorder } from '../metrics/route-stats.ts';
import type { Gate, GateHeaders } from './auth/gate.ts';
import { isJsonType, parseJsonObject, readBody } from './body.ts';
import { BodyReader, type BodyLimits } from './body-reader.ts';
import { framingProblem, refuseAndClose, type ChunkedBodies } from './framing.ts';
import { bodyStream, hasBody } from './body-stream.ts';
import { internalError, problemReply, writeReply, type Reply } from './reply.ts';

/** Lower-case request headers a handler may read after the synchronous part of the handler. */
const KEPT_HEADERS = ['content-type', 'content-length', 'idempotency-key', 'authorization', 'x-forwarded-for', 'traceparent'] as const;
export type KeptHeader = (typeof KEPT_HEADERS)[number];

/**
 * What a handler sees of a request: a copy taken before any `await`
 * (the uWS `HttpRequest` dies when the synchronous handler returns).
 */
export interface RequestContext {
  /** Method, e.g. `GET` (as sent on any-method routes: methods are case-sensitive). */
  readonly method: string;
  /** Path without the query, e.g. `/areas/1`. */
  readonly path: string;
  /** Raw query string without `?` ('' when none). */
  readonly query: string;
  /** Route parameters in pattern order. */
  readonly params: readonly string[];
  /** A kept header's value ('' when absent). */
  header(name: KeptHeader): string;
  /** The body parsed as a JSON object (routes declared with `body: true`; read before the handler runs). */
  body: Record<string, unknown> | undefined;
  /** The authenticated caller (`Authorization: Bearer`), set by the gate before the handler runs; undefined when anonymous. */
  user?: Caller;
  /** Client address: the peer, or the `X-Forwarded-For` client when the peer is a trusted proxy (TRUST_PROXY). Read it before any `await`. */
  readonly ip: string;
  /** What a `forward` route gets of the request, set before its handler runs; undefined on other routes. */
  forward: ForwardedRequest | undefined;
}

/** The request as a `forward` route (a reverse proxy) sees it: everything, copied, and the body unread. */
export interface ForwardedRequest {
  /** Every request header as [lower-case name, value], in the order received. */
  headers: [string, string][];
  /** The TCP peer's address (before any TRUST_PROXY resolution). */
  peer: string;
  /** The body as it arrives (at most `BODY_LIMIT` bytes, else the stream fails with a 413 Problem; 408 when it slows down); undefined when the request has none. */
  body: Readable | undefined;
  /** Set when the client goes away; `onAbort` (set by the route, e.g. to cancel its upstream call) is then called once. */
  aborted: boolean;
  onAbort: (() => void) | undefined;
}

/**
 * An answer a `forward` route writes itself, progressively (a proxied response streamed back).
 * `write` is called once, outside any uWS callback: it must cork its writes, end the response,
 * and stop touching `res` once `forward.aborted` is set.
 */
export interface StreamedReply {
  readonly status: number;
  /** @param extra headers to write after the status line (e.g. `RateLimit-*`). */
  write(res: HttpResponse, extra: GateHeaders): void;
}

/** OpenAPI description of one operation (see http/openapi.ts). */
export interface OperationDoc {
  operationId: string;
  summary: string;
  tags: string[];
  pathParams?: Record<string, TSchema>;
  query?: TObject;
  body?: TSchema;
  /** Success responses by status; `schema` omitted for empty bodies. */
  responses: Record<number, { description: string; schema?: TSchema; headers?: Record<string, string> }>;
  /** Problem statuses this operation may answer (400, 404, ...). */
  problems: number[];
  /** Needs `Authorization: Bearer <access token>` (documented as the `bearer` security scheme). */
  auth?: true;
  /** False for a write that ignores `Idempotency-Key` (the auth flows: their answers hold fresh secrets). */
  idempotencyKey?: false;
}

export type Method = 'get' | 'post' | 'patch' | 'put' | 'del';
export interface RouteDef {
  /** `any`: every method (only with `forward`, whose handler reads `ctx.method`). */
  method: Method | 'any';
  /** uWS pattern, e.g. `/areas/:id`. */
  pattern: string;
  /** Reads the whole body as a JSON object before the handler runs (Content-Type checked: 415 otherwise). */
  body?: boolean;
  /** Refused with 503 `stopping` after SIGTERM (while starting, every route but `duringStartup` ones is refused). */
  write?: boolean;
  /** Answered while the server is starting (`/health`); every other route answers 503 `starting` until it is ready. */
  duringStartup?: true;
  /**
   * Forwards the request elsewhere (a reverse proxy): `ctx.forward` holds every header, the peer and
   * the unread body as a stream; `Authorization` is not checked (it is the upstream's), the request
   * still counts in the client's anonymous rate-limit window; the handler may answer a StreamedReply.
   */
  forward?: boolean;
  handler(ctx: RequestContext): Reply | StreamedReply | Promise<Reply | StreamedReply>;
  doc: OperationDoc;
}

/**
 * The RequestContext of one HTTP request. A class, so every request shares one hidden class and
 * `ip` lives on the prototype: an object literal with a getter got a fresh shape per request and
 * kept young-generation garbage alive (9–12 ms scavenges under load, bench/RESULTS.md).
 *
 * Headers are read from the live uWS request while the handler runs synchronously (most GETs
 * need none of them); `keep()` copies them before the request dies, i.e. before any await.
 */
class HttpContext implements RequestContext {
  body: Record<string, unknown> | undefined = undefined;
  user: Caller | undefined = undefined;
  forward: ForwardedRequest | undefined = undefined;
  private resolvedIp: string | undefined = undefined;
  private kept: string[] | undefined = undefined;

  constructor(
    readonly method: string,
    readonly path: string,
    readonly query: string,
    readonly params: readonly string[],
    private req: HttpRequest | undefined,
    private readonly res: HttpResponse,
    private readonly gate: Gate | undefined,
  ) {}

  header(name: KeptHeader): string {
    if (this.kept !== undefined) return this.kept[KEPT_HEADERS.indexOf(name)] ?? '';
    return (this.req as HttpRequest).getHeader(name);
  }

  /** Copies the kept headers out of the uWS request; call before the synchronous part of the handler ends. */
  keep(): void {
    if (this.kept !== undefined) return;
    const req = this.req as HttpRequest;
    this.kept = KEPT_HEADERS.map((h) => req.getHeader(h));
    void this.ip; // the peer address too: after an await the response may be aborted
    this.req = undefined;
  }

  /** Client address: the peer, or what a trusted proxy says (read from uWS once, on first use, before any await). */
  get ip(): string {
    if (this.resolvedIp !== undefined) return this.resolvedIp;
    const peer = Buffer.from(this.res.getRemoteAddressAsText()).toString();
    return (this.resolvedIp = this.gate === undefined ? peer : this.gate.clientIp(peer, this.header('x-forwarded-for')));
  }

  /**
   * Sets `forward` (call in the synchronous part of the handler): copies every header, starts reading the body.
   * @param reader reads the body; undefined when the request has none. @throws Problem 413
   */
  keepForForward(res: HttpResponse, reader: BodyReader | undefined): void {
    const req = this.req as HttpRequest;
    const headers: [string, string][] = [];
    req.forEach((k, v) => { headers.push([k, v]); });
    const peer = Buffer.from(res.getRemoteAddressAsText()).toString();
    this.resolvedIp = this.gate === undefined ? peer : this.gate.clientIp(peer, req.getHeader('x-forwarded-for'));
    const body = reader === undefined ? undefined : bodyStream(reader, req.getHeader('content-length'));
    this.forward = { headers, peer, body, aborted: false, onAbort: undefined };
    this.keep();
  }
}

/**
 * Server state consulted by every route and by /health: `starting` from listening until the warm-up
 * (migrations, actors, read side, deadlines) is done, when only `/health` answers; `ok`; `stopping`
 * from SIGTERM on, when writes are refused.
 */
export interface Lifecycle {
  state: 'starting' | 'ok' | 'stopping';
}

/** 503 `starting` or `stopping`: what a route answers while the server is not serving it. */
export const notServing = (l: Lifecycle): Problem =>
  problems.unavailable(l.state === 'starting' ? 'starting' : 'stopping', `The server is ${l.state}.`);

const verbs: Record<Method | 'any', string> = { get: 'GET', post: 'POST', patch: 'PATCH', put: 'PUT', del: 'DELETE', any: 'ANY' };
const isStreamed = (r: Reply | StreamedReply): r is StreamedReply => 'write' in r;
const aborted = Symbol('aborted');

/**
 * Registers routes on a uWS app around one wrapper that: refuses a request whose framing uWS let
 * through ambiguous (http/framing.ts), copies the request, attaches
 * `onAborted` before returning, reads and limits the body, refuses every route but `/health` while
 * starting and writes while stopping (Lifecycle, 503),
 * turns every thrown `Problem` into problem+json and anything else into a logged 500,
 * and writes async replies inside `res.cork`. A GET route answers HEAD too, without the body.
 * `finish()` adds 405 (with `Allow`) per pattern and the 404 fallback (503 `starting` too while
 * starting); uWS would otherwise close the socket on an unmatched route.
 */
export class Router {
  readonly routes: RouteDef[] = [];

  constructor(
    private readonly app: TemplatedApp,
    private readonly opts: { body: BodyLimits; chunked: ChunkedBodies; log: Logger; lifecycle: Lifecycle; metrics: FrontMetrics | undefined; gate?: Gate | undefined },
  ) {}

  add(def: RouteDef): this {
    this.routes.push(def);
    const paramCount = def.pattern.split('/').filter((s) => s.startsWith(':')).length;
    const rec = this.opts.metrics?.route(def.pattern, verbs[def.method]);
    this.app[def.method](def.pattern, (res, req) => this.handle(def, paramCount, rec, res, req, false));
    if (def.method === 'get') {
      const headRec = this.opts.metrics?.route(def.pattern, 'HEAD');
      this.app.head(def.pattern, (res, req) => this.handle(def, paramCount, headRec, res, req, true));
    }
    return this;
  }

  /** Registers the 405 handlers and the 404 fallback; call after every `add`. */
  finish(): void {
    const byPattern = new Map<string, string[]>();
    for (const r of this.routes) {
      if (r.method === 'any') continue;
      byPattern.set(r.pattern, [...(byPattern.get(r.pattern) ?? []), verbs[r.method], ...(r.method === 'get' ? ['HEAD'] : [])]);
    }
    for (const [pattern, allow] of byPattern) {
      const rec = this.opts.metrics?.route(pattern, 'OTHER');
      this.app.any(pattern, (res, req) => {
        const method = req.getCaseSensitiveMethod();
        this.refuse(res, req, problems.methodNotAllowed(method, allow), rec);
      });
    }
    const rec = this.opts.metrics?.route('unmatched', 'ANY');
    this.app.any('/*', (res, req) => {
      this.refuse(res, req, problems.notFound(`No route matches ${req.getCaseSensitiveMethod()} ${req.getUrl()}.`), rec);
    });
  }

  /**
   * Answers a request no route handles (404/405). One that carries a body gets its answer whole with
   * `Connection: close`, then the body is drained (body-reader.ts) so a client still sending reads the
   * answer instead of a reset.
   */
  private refuse(res: HttpResponse, req: HttpRequest, refusal: Problem, rec: RouteRecorder | undefined): void {
    const start = rec === undefined ? 0 : performance.now();
    const head = req.getCaseSensitiveMethod() === 'HEAD';
    if (this.refusedFraming(res, req, head, rec, start)) return;
    const problem = this.opts.lifecycle.state === 'starting' ? notServing(this.opts.lifecycle) : refusal;
    if (hasBody(req)) {
      const reader = new BodyReader(res, this.opts.body);
      res.onAborted(() => reader.abort());
      reader.answer(problemReply(problem, true), undefined, head);
    } else writeReply(res, problemReply(problem), undefined, head);
    rec?.done(problem.status, start);
  }

  /** Refuses a request whose framing uWS let through ambiguous (http/framing.ts) and closes its connection; true when it did. */
  private refusedFraming(res: HttpResponse, req: HttpRequest, head: boolean, rec: RouteRecorder | undefined, start: number): boolean {
    const problem = framingProblem(req, this.opts.chunked);
    if (problem === undefined) return false;
    refuseAndClose(res, problem, head);
    rec?.done(problem.status, start);
    return true;
  }

  private handle(def: RouteDef, paramCount: number, rec: RouteRecorder | undefined, res: HttpResponse, req: HttpRequest, head: boolean): void {
    const start = rec === undefined ? 0 : performance.now();
    if (this.refusedFraming(res, req, head, rec, start)) return;
    const params: string[] = [];
    for (let i = 0; i < paramCount; i++) params.push(req.getParameter(i));
    let onAbort: Promise<never> | undefined;
    let isAborted = false;
    const gate = this.opts.gate;
    // Methods are case-sensitive (RFC 9110 §9.1): an any-method route sees the method as sent.
    const method = head ? 'HEAD' : def.method === 'any' ? req.getCaseSensitiveMethod() : verbs[def.method];
    const ctx = new HttpContext(method, req.getUrl(), req.getQuery() ?? '', params, req, res, gate);
    if (def.body === true) ctx.keep();
    let out: Reply | StreamedReply | Promise<Reply | StreamedReply>;
    let extra: GateHeaders;
    // Reads the body, and drains what is left of it after an early answer (body-reader.ts).
    const reader = def.body === true || (def.forward === true && hasBody(req)) ? new BodyReader(res, this.opts.body) : undefined;
    try {
      if (def.body === true) {
        // Before anything may answer: an answer that drains the body leaves the response pending.
        onAbort = new Promise<never>((_, reject) => res.onAborted(() => { isAborted = true; reader?.abort(); reject(aborted); }));
        onAbort.catch(() => undefined);
      }
      if (def.forward === true) {
        res.onAborted(() => {
          isAborted = true;
          reader?.abort();
          const f = ctx.forward;
          if (f === undefined) return;
          f.aborted = true;
          f.onAbort?.();
        });
        ctx.keepForForward(res, reader);
      }
      const { state } = this.opts.lifecycle;
      if (state === 'starting' ? def.duringStartup !== true : state === 'stopping' && def.write === true) throw notServing(this.opts.lifecycle);
      if (def.body === true && !isJsonType(ctx.header('content-type'))) throw problems.unsupportedMediaType(ctx.header('content-type'));
      // Nothing may throw between here and `out`: a pending admission must end up in `out`.
      const admitted = def.forward === true ? gate?.count(undefined, ctx) : gate?.admit(ctx);
      const ready = admitted instanceof Promise ? admitted.then((h) => { extra = h; }) : undefined;
      if (!(admitted instanceof Promise)) extra = admitted;
      if (def.body === true) {
        const body = readBody(reader as BodyReader, ctx.header('content-length'), onAbort as Promise<never>);
        out = (ready === undefined ? body : Promise.all([body, ready]).then(([raw]) => raw)).then((raw) => {
          ctx.body = parseJsonObject(raw);
          return def.handler(ctx);
        });
      } else out = ready === undefined ? def.handler(ctx) : ready.then(() => def.handler(ctx));
    } catch (err) {
      out = this.toReply(err, ctx, def.body === true || def.forward === true);
    }
    if (!(out instanceof Promise)) {
      if (isStreamed(out)) this.stream(out, res, extra, reader);
      else this.write(res, out, extra, head, reader);
      rec?.done(out.status, start);
      return;
    }
    ctx.keep();
    if (onAbort === undefined && def.forward !== true) res.onAborted(() => { isAborted = true; });
    const inFlight = this.opts.metrics?.inFlight;
    inFlight?.inc();
    out.catch((err: unknown) => this.toReply(err, ctx, def.body === true || def.forward === true)).then((reply) => {
      inFlight?.dec();
      if (isAborted) return;
      if (isStreamed(reply)) this.stream(reply, res, extra, reader);
      else res.cork(() => this.write(res, reply, extra, head, reader));
      rec?.done(reply.status, start);
    });
  }

  /** Writes `reply`; through `reader` when the request has a body (it drains what is left of it after an early answer). */
  private write(res: HttpResponse, reply: Reply, extra: GateHeaders, head: boolean, reader: BodyReader | undefined): void {
    if (reader === undefined) writeReply(res, reply, extra, head);
    else reader.answer(reply, extra, head);
  }

  /** Lets a streamed reply write the response (it may end it while the request body still arrives). */
  private stream(reply: StreamedReply, res: HttpResponse, extra: GateHeaders, reader: BodyReader | undefined): void {
    reader?.untime();
    reply.write(res, extra);
  }

  /**
   * Problem → its reply; closes the connection when the request body may be unread: a body route
   * that failed before its body was parsed, a forward route whose body was not read to its end.
   */
  private toReply(err: unknown, ctx: HttpContext, readsBody: boolean): Reply {
    const unread = readsBody && (ctx.forward === undefined ? ctx.body === undefined : ctx.forward.body?.readableEnded === false);
    if (err instanceof Problem) return problemReply(err, unread);
    if (err === aborted) return internalError();
    this.opts.log.error({ err, method: ctx.method, path: ctx.path }, 'handler failed');
    return internalError();
  }
}
