import assert from 'node:assert/strict';
import { pack, unpack } from 'msgpackr';
import WebSocket from 'ws';
import type { ProblemJson } from './http.ts';

/** A server reply to a client frame (../shared/API.md, "WebSocket"). */
export type ReplyFrame =
  | { id: unknown; ok: true; result: unknown }
  | { id: unknown; ok: false; error: ProblemJson };

/** A published event. */
export interface EventFrame {
  topic: string;
  event: string;
  data: unknown;
}

type Frame = ReplyFrame | EventFrame;
const isReply = (f: Frame): f is ReplyFrame => 'ok' in f;

/**
 * A test WebSocket client for `/ws` speaking JSON text frames or msgpack binary frames.
 * Every server frame is checked to come back in the client's encoding; replies and events
 * are queued in arrival order and taken with `reply()` and `event()`.
 */
export class WsClient {
  /** Frames received and not taken yet, in arrival order. */
  readonly inbox: Frame[] = [];
  /** Pending `take`/`closedBy` calls, woken on every frame and on close. */
  private readonly waiters = new Set<() => void>();
  private closed: { code: number; reason: string } | undefined;

  private constructor(private readonly ws: WebSocket, readonly encoding: 'json' | 'msgpack') {
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      assert.equal(isBinary, encoding === 'msgpack', `a ${encoding} client got a ${isBinary ? 'binary' : 'text'} frame`);
      this.inbox.push((isBinary ? unpack(data) : JSON.parse(data.toString('utf8'))) as Frame);
      this.wake();
    });
    ws.on('close', (code: number, reason: Buffer) => {
      this.closed = { code, reason: reason.toString() };
      this.wake();
    });
  }

  /** Opens `ws://…/ws` on the server at `baseUrl` (`http://host:port`). */
  static async connect(baseUrl: string, encoding: 'json' | 'msgpack' = 'json'): Promise<WsClient> {
    const ws = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/ws`);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return new WsClient(ws, encoding);
  }

  /** Sends `frame` in the client's encoding. */
  send(frame: unknown): void {
    this.ws.send(this.encoding === 'json' ? JSON.stringify(frame) : pack(frame));
  }

  /** Sends bytes or text as they are (malformed frames); `binary` false sends bytes as a text frame (invalid UTF-8). */
  sendRaw(data: string | Buffer, binary = typeof data !== 'string'): void {
    this.ws.send(data, { binary });
  }

  /** How the server closed the socket; undefined while it is open. */
  get closedWith(): { code: number; reason: string } | undefined {
    return this.closed;
  }

  /** Sends `frame` and waits for the reply carrying its id. */
  async request(frame: { id: number | string; op: string; [k: string]: unknown }): Promise<ReplyFrame> {
    this.send(frame);
    return this.reply(frame.id);
  }

  /** Takes the first reply with `id` (`null` for frames whose id could not be read). */
  reply(id: unknown, timeoutMs = 5000): Promise<ReplyFrame> {
    return this.take((f): f is ReplyFrame => isReply(f) && f.id === id, `reply ${JSON.stringify(id)}`, timeoutMs);
  }

  /** Takes the first event matching `match`. */
  event(match: (e: EventFrame) => boolean, timeoutMs = 5000): Promise<EventFrame> {
    return this.take((f): f is EventFrame => !isReply(f) && match(f), 'event', timeoutMs);
  }

  /** Events received and not taken yet. */
  pendingEvents(): EventFrame[] {
    return this.inbox.filter((f): f is EventFrame => !isReply(f));
  }

  /** Resolves with the close code once the server closes the socket. */
  async closedBy(timeoutMs = 5000): Promise<{ code: number; reason: string }> {
    const deadline = Date.now() + timeoutMs;
    while (this.closed === undefined) {
      assert.ok(Date.now() < deadline, 'socket still open');
      await this.sleepUntilWoken(deadline);
    }
    return this.closed;
  }

  /** Closes the socket. */
  close(): void {
    this.ws.close();
  }

  private async take<T extends Frame>(match: (f: Frame) => f is T, what: string, timeoutMs: number): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.inbox.findIndex(match);
      if (i >= 0) return this.inbox.splice(i, 1)[0] as T;
      assert.ok(this.closed === undefined, `socket closed (${JSON.stringify(this.closed)}) while waiting for ${what}`);
      assert.ok(Date.now() < deadline, `no ${what} within ${timeoutMs} ms; inbox: ${JSON.stringify(this.inbox)}`);
      await this.sleepUntilWoken(deadline);
    }
  }

  private sleepUntilWoken(deadline: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, Math.max(0, deadline - Date.now()));
      this.waiters.add(wake);
    });
  }

  private wake(): void {
    for (const w of [...this.waiters]) w();
  }
}
