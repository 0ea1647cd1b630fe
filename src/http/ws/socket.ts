import type { TemplatedApp, WebSocket, WebSocketBehavior } from 'uWebSockets.js';
import type { DomainEvent } from '../../core/commands.ts';
import { Problem, problems } from '../../core/errors.ts';
import type { Logger } from '../../log.ts';
import type { CommandBus } from '../../workers/command-bus.ts';
import type { WsStats } from '../../metrics/front.ts';
import type { Gate } from '../auth/gate.ts';
import { framingProblem, refuseAndClose, type ChunkedBodies } from '../framing.ts';
import { problemReply, writeReply } from '../reply.ts';
import { notServing, type Lifecycle } from '../router.ts';
import { authenticatedUpgrade, frameMeta, type SocketIdentity } from './auth.ts';
import { FrameOrder } from './frame-order.ts';
import { decodeFrame, encodeFrame, frameIdOf, type ClientFrame, type Encoding } from './frames.ts';
import { NEARBY_PREFIX, NearbyIndex } from './nearby.ts';
import { isBookingTopic } from './booking-topics.ts';
import type { Caller } from '../../core/auth/claims.ts';
import type { LatLng } from '../../core/search/geo.ts';

/** Per-socket state; its identity (client IP, access token) scopes commands and their rate limit. */
export interface SocketData extends SocketIdentity {
  /** Set by the close handler: the socket must not be touched after. */
  closed: boolean;
  /** uWS topics this socket is subscribed to (wire names). */
  topics: Set<string>;
  /** Encoding of this socket's `offers.nearby:*` events (the one its subscribe frames used). */
  nearbyEncoding?: Encoding;
  /** Pub/sub keys of the booking topics it follows, by topic name (`me.bookings` is keyed per account). */
  bookingKeys?: Map<string, string>;
  /** Holds the frames that arrive while an `auth` frame is verified, each as the step that runs it. */
  order: FrameOrder<() => void>;
}

/** Topics anyone may subscribe to. */
const PUBLIC_TOPICS = new Set(['areas']);
/** Close code for a client too slow to read (RFC 6455 §7.4.1: 1013 "try again later"). */
export const SLOW_CONSUMER = 1013;
/** Close code for a message over the limit (RFC 6455 §7.4.1: 1009 "message too big"). */
export const MESSAGE_TOO_BIG = 1009;
/**
 * uWS's `maxPayloadLength`, as a multiple of our limit. uWS drops the TCP connection without a close
 * frame (1006 at the client) on a frame whose header announces more than `maxPayloadLength`
 * (WebSocketProtocol.h:353-355, `forceClose` = `us_socket_close`, WebSocketContext.h:55-57), or when
 * fragments add up to more (WebSocketContext.h:111-113). Setting it above our limit lets a message
 * between the two reach `message`, where we close it with 1009; each socket may then buffer up to
 * this many times the limit of one incoming message.
 */
export const FRAME_SLACK = 2;

/** uWS topic of `topic` for subscribers in `encoding`: each encoding gets its own, published once per event. */
const wireTopic = (topic: string, encoding: Encoding) => `${encoding}:${topic}`;

export interface WsDeps {
  app: TemplatedApp;
  bus: CommandBus;
  log: Logger;
  lifecycle: Lifecycle;
  /** Authenticates the upgrade, `auth` frames and each command frame, and rate-limits them. */
  gate: Gate;
  /** Largest accepted message, bytes: larger ones close the socket with 1009 (up to FRAME_SLACK times this; beyond, 1006). */
  maxPayload: number;
  /** Bytes buffered for one socket before it is closed with 1013. */
  maxBackpressure: number;
  /** Seconds without traffic before close (0 = never). */
  idleTimeout: number;
  /** Counters this front keeps up to date. */
  stats: WsStats;
  /** True when offer `id` is active now (API.md, "Offers"): only those reach `offers.nearby:*` subscribers. */
  isActiveNow(id: string): boolean;
  /** The pub/sub key of a booking topic for `caller` (ws/booking-topics.ts). @throws Problem 401/403/404. */
  bookingTopicKey(topic: string, caller: Caller | undefined): string;
  /** The HTTP front's CHUNKED_BODIES, for the framing check of the upgrade request. */
  chunked: ChunkedBodies;
}

/** The only WebSocket protocol version (RFC 6455 §4.1); uWS upgrades whatever version is asked. */
const WS_VERSION = '13';

/**
 * `GET /ws` (../shared/API.md, "WebSocket"): ping, subscribe/unsubscribe to public topics, and
 * `command` frames that run the same catalog as HTTP through the CommandBus. Events are published
 * with uWS pub/sub (ordered), once per encoding that has subscribers.
 */
export function wsBehavior(d: WsDeps): WebSocketBehavior<SocketData> {
  /** Subscribers per wire topic, to find the slow ones after a publish. */
  const subscribers = new Map<string, Set<WebSocket<SocketData>>>();
  const slow = (ws: WebSocket<SocketData>): void => {
    d.stats.slowConsumers++;
    ws.end(SLOW_CONSUMER, 'slow consumer');
  };

  const nearby = new NearbyIndex<WebSocket<SocketData>>();
  const deliverNearby = (e: DomainEvent): void => {
    const offer = e.data as { id: string; establishment: { location: LatLng } };
    if (!d.isActiveNow(offer.id)) return;
    for (const sub of nearby.matching(offer.establishment.location)) {
      const data = sub.socket.getUserData();
      if (!data.closed) send(sub.socket, { topic: sub.topic, event: e.event, data: e.data }, data.nearbyEncoding ?? 'json');
    }
  };

  d.bus.onEvent((e: DomainEvent) => {
    if (e.topic === 'offers' && e.event === 'offer.created') deliverNearby(e);
    const frame = { topic: e.topic, event: e.event, data: e.data };
    const key = e.scope === undefined ? e.topic : `${e.topic}#${e.scope}`;
    for (const enc of ['json', 'msgpack'] as const) {
      const t = wireTopic(key, enc);
      const subs = subscribers.get(t);
      if (subs === undefined || subs.size === 0) continue;
      d.app.publish(t, encodeFrame(frame, enc), enc === 'msgpack');
      d.stats.messagesOut += subs.size;
      for (const ws of subs) if (ws.getBufferedAmount() > d.maxBackpressure) slow(ws);
    }
  });

  const subscribe = (ws: WebSocket<SocketData>, t: string): void => {
    ws.subscribe(t);
    ws.getUserData().topics.add(t);
    let subs = subscribers.get(t);
    if (subs === undefined) subscribers.set(t, (subs = new Set()));
    subs.add(ws);
  };
  const unsubscribe = (ws: WebSocket<SocketData>, t: string): void => {
    if (!ws.getUserData().closed) ws.unsubscribe(t);
    ws.getUserData().topics.delete(t);
    subscribers.get(t)?.delete(ws);
  };

  const send = (ws: WebSocket<SocketData>, frame: unknown, enc: Encoding): void => {
    if (ws.getUserData().closed) return;
    const status = ws.send(encodeFrame(frame, enc), enc === 'msgpack');
    d.stats.messagesOut++;
    if (status === 2 || ws.getBufferedAmount() > d.maxBackpressure) slow(ws);
  };
  const fail = (ws: WebSocket<SocketData>, id: unknown, err: unknown, enc: Encoding): void => {
    if (!(err instanceof Problem)) d.log.error({ err }, 'websocket frame failed');
    const problem = err instanceof Problem ? err : new Problem(500, 'internal', 'Internal server error', 'The server failed; the error was logged.');
    send(ws, { id, ok: false, error: problem.toJSON() }, enc);
  };

  const handle = (ws: WebSocket<SocketData>, f: ClientFrame, enc: Encoding): void => {
    switch (f.op) {
      case 'ping':
        return send(ws, { id: f.id, ok: true, result: 'pong' }, enc);
      case 'subscribe':
        if (f.topic.startsWith(NEARBY_PREFIX)) {
          nearby.add(ws, f.topic);
          ws.getUserData().nearbyEncoding = enc;
          return send(ws, { id: f.id, ok: true, result: { topic: f.topic } }, enc);
        }
        if (isBookingTopic(f.topic)) {
          const data = ws.getUserData();
          frameMeta(d.gate, data, undefined).then((meta) => d.bookingTopicKey(f.topic, meta.caller)).then(
            (key) => {
              if (data.closed) return;
              (data.bookingKeys ??= new Map()).set(f.topic, key);
              ws.cork(() => { subscribe(ws, wireTopic(key, enc)); send(ws, { id: f.id, ok: true, result: { topic: f.topic } }, enc); });
            },
            (err) => { if (!data.closed) ws.cork(() => fail(ws, f.id, err, enc)); },
          );
          return;
        }
        if (!PUBLIC_TOPICS.has(f.topic)) throw problems.notFound(`Unknown topic ${JSON.stringify(f.topic)}.`);
        subscribe(ws, wireTopic(f.topic, enc));
        return send(ws, { id: f.id, ok: true, result: { topic: f.topic } }, enc);
      case 'unsubscribe': {
        nearby.remove(ws, f.topic);
        const keys = ws.getUserData().bookingKeys;
        const key = keys?.get(f.topic) ?? f.topic;
        keys?.delete(f.topic);
        unsubscribe(ws, wireTopic(key, 'json'));
        unsubscribe(ws, wireTopic(key, 'msgpack'));
        return send(ws, { id: f.id, ok: true, result: { topic: f.topic } }, enc);
      }
      case 'auth': {
        // Takes effect in frame order: frames after it wait for its verification (frame-order.ts).
        const data = ws.getUserData();
        const id = f.id ?? null;
        const accept = (caller: Caller) => {
          data.token = f.token;
          send(ws, { id, ok: true, result: { user_id: caller.id, role: caller.role } }, enc);
        };
        const caller = d.gate.authenticate(f.token, data);
        if (!(caller instanceof Promise)) return accept(caller);
        data.order.begin();
        const settle = (reply: () => void) => {
          if (!data.closed) ws.cork(() => { reply(); data.order.settled((step) => step()); });
        };
        caller.then((c) => settle(() => accept(c)), (err) => settle(() => fail(ws, id, err, enc)));
        return;
      }
      case 'command': {
        if (d.lifecycle.state !== 'ok') throw notServing(d.lifecycle);
        const data = ws.getUserData();
        frameMeta(d.gate, data, f.idempotency_key).then((meta) => d.bus.execute(f.name, f.args, meta)).then(
          (r) => { if (!data.closed) ws.cork(() => send(ws, { id: f.id, ok: true, result: r.value }, enc)); },
          (err) => { if (!data.closed) ws.cork(() => fail(ws, f.id, err, enc)); },
        );
      }
    }
  };

  const upgrade = authenticatedUpgrade(d.gate, d.log, (res, identity, [key, protocol, extensions], context) => {
    res.upgrade<SocketData>({ ...identity, closed: false, topics: new Set(), order: new FrameOrder() }, key, protocol, extensions, context);
  });

  return {
    maxPayloadLength: FRAME_SLACK * d.maxPayload,
    // We close a socket with 1013 once its backlog passes maxBackpressure (checked after every
    // send and publish); uWS's own limit sits a frame higher so it never drops a message first,
    // and its abrupt close stays only as a backstop.
    maxBackpressure: d.maxBackpressure + d.maxPayload,
    closeOnBackpressureLimit: 1,
    idleTimeout: d.idleTimeout,
    sendPingsAutomatically: true,
    upgrade: (res, req, context) => {
      const framing = framingProblem(req, d.chunked);
      if (framing !== undefined) return refuseAndClose(res, framing, false);
      const version = req.getHeader('sec-websocket-version');
      if (version !== WS_VERSION)
        return writeReply(res, problemReply(problems.upgradeRequired(`Sec-WebSocket-Version ${JSON.stringify(version)} is not supported; use ${WS_VERSION} (RFC 6455).`)));
      if (d.lifecycle.state === 'starting') return writeReply(res, problemReply(notServing(d.lifecycle)));
      upgrade(res, req, context);
    },
    open: () => {
      d.stats.connections++;
    },
    message: (ws, message, isBinary) => {
      d.stats.messagesIn++;
      if (message.byteLength > d.maxPayload) return ws.end(MESSAGE_TOO_BIG, `message over ${d.maxPayload} bytes`);
      const enc: Encoding = isBinary ? 'msgpack' : 'json';
      // `message` is only readable during this call: decode now, run now or once a pending auth settles.
      let step: () => void;
      try {
        const f = decodeFrame(message, enc);
        step = () => { try { handle(ws, f, enc); } catch (err) { fail(ws, f.id ?? null, err, enc); } };
      } catch (err) {
        const id = frameIdOf(message, enc);
        step = () => fail(ws, id, err, enc);
      }
      try {
        if (!ws.getUserData().order.hold(step)) step();
      } catch (err) {
        fail(ws, frameIdOf(message, enc), err, enc);
      }
    },
    close: (ws) => {
      d.stats.connections--;
      const data = ws.getUserData();
      data.closed = true;
      for (const t of data.topics) subscribers.get(t)?.delete(ws);
      nearby.removeAll(ws);
    },
  };
}
