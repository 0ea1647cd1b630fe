import type { HttpResponse } from 'uWebSockets.js';
import { problems, type Problem } from '../core/errors.ts';
import type { GateHeaders } from './auth/gate.ts';
import { writeReply, writeReplyKeepingOpen, type Reply } from './reply.ts';

/** Limits on reading one request body (README, "Slow and oversized requests"). */
export interface BodyLimits {
  /** Largest body, bytes (BODY_LIMIT). */
  maxBytes: number;
  /** Longest pause in a body, and the head start of the rate rule, ms (BODY_TIMEOUT_MS); also the longest drain. */
  timeoutMs: number;
  /** Slowest average rate of a body once its first `timeoutMs` are over, bytes/s (BODY_MIN_RATE). */
  minRate: number;
  /** Bytes read and discarded after an answer sent before the body ended, then the connection is closed (BODY_DRAIN_BYTES). */
  drainBytes: number;
}

/** Where the chunks of a body go. */
export interface BodySink {
  /** A chunk: a view into uWS's reused buffer, valid only during the call (copy it). */
  chunk(data: ArrayBuffer, isLast: boolean): void;
  /** The body was refused (413, 408); no chunk follows. */
  fail(problem: Problem): void;
}

/**
 * How often uWS's own timeout is pushed back while a body is read or drained, ms. uWS arms a 10 s
 * timeout once a handler returns with `onData` attached (uWebSockets v20.43 `src/HttpContext.h`
 * lines 202-205) and pushes it back only after 160 KiB more (lines 216-225); uSockets counts it in
 * 4 s ticks, so it fires 8–12 s later (8.9–12.0 s observed here) and closes without an answer (lines 378-383).
 * `res.resume()` re-arms it to 10 s (`HttpResponse.h` lines 361-371; `pause()` first, so that
 * the socket's poll state is restored as it was, `AsyncSocket.h` lines 57-76). Refreshed this
 * often, it never fires while sortie's own deadline runs.
 */
const UWS_REFRESH_MS = 4000;

/**
 * When a body being read times out, on the `performance.now()` clock (ms): `timeoutMs` after its
 * last chunk, or once it falls behind `minRate` bytes/s counted from `timeoutMs` after it started,
 * whichever comes first. A body arriving at `minRate` or faster never times out.
 * @param startedAt when the request head was handled, ms.
 * @param lastDataAt when the last chunk arrived (`startedAt` before any), ms.
 * @param received bytes received so far.
 */
export function bodyDeadline(startedAt: number, lastDataAt: number, received: number, limits: BodyLimits): number {
  return Math.min(lastDataAt + limits.timeoutMs, startedAt + limits.timeoutMs + (received * 1000) / limits.minRate);
}

/**
 * Reads one request body for a sink, under `limits`: 413 past `maxBytes` (declared or received),
 * 408 when it pauses or slows down (`bodyDeadline`), and answers sent before the body ended drain
 * the rest instead of closing on it (a client still sending would get a reset instead of the
 * answer): the answer is written whole, then up to `drainBytes` more body bytes are read and
 * discarded for at most `timeoutMs`, then the connection is closed.
 *
 * Construct it in the synchronous part of the handler (it attaches `onData`), `start` it to read,
 * call `abort()` from the response's `onAborted`, and answer the request with `answer`.
 */
export class BodyReader {
  private phase: 'idle' | 'reading' | 'refused' | 'draining' | 'closing' | 'done' = 'idle';
  private sink: BodySink | undefined = undefined;
  private readonly startedAt = performance.now();
  private lastDataAt = this.startedAt;
  private received = 0;
  /** Bytes discarded since the body was refused (or never read). */
  private discarded = 0;
  private drainUntil = 0;
  private ended = false;
  private timedOut = false;
  private timer: NodeJS.Timeout | undefined = undefined;

  constructor(private readonly res: HttpResponse, private readonly limits: BodyLimits) {
    res.onData((data, isLast) => this.onData(data, isLast));
  }

  /**
   * Starts delivering the body to `sink`.
   * @param declaredLength the `Content-Length` header ('' when absent).
   * @throws Problem 413 when `declaredLength` exceeds `maxBytes` (nothing is delivered; answer it with `answer`).
   */
  start(sink: BodySink, declaredLength: string): void {
    if (declaredLength !== '' && Number(declaredLength) > this.limits.maxBytes) {
      this.phase = 'refused';
      throw problems.payloadTooLarge(this.limits.maxBytes);
    }
    this.sink = sink;
    this.phase = 'reading';
    this.schedule(Math.min(this.limits.timeoutMs, UWS_REFRESH_MS));
  }

  /** The client went away: stop (call from `res.onAborted`; `res` is dead). */
  abort(): void {
    this.phase = 'done';
    clearTimeout(this.timer);
  }

  /**
   * The response is written by someone else while the body may still arrive (a streamed reply that
   * may end it, after which `res` must not be touched): chunks keep going to the sink, untimed.
   */
  untime(): void {
    clearTimeout(this.timer);
  }

  /**
   * Writes `reply`, the answer to this request (inside `res.cork` outside the handler's synchronous
   * part). When the body has not ended (a refusal), the answer is sent whole with `Connection:
   * close` and the rest of the body drained as the class says; after a 408, or with
   * `drainBytes` 0, uWS closes the connection right after the answer.
   * @param head the request is a HEAD: no body is written.
   */
  answer(reply: Reply, extra: GateHeaders, head: boolean): void {
    clearTimeout(this.timer);
    if (this.ended || this.timedOut || head || this.limits.drainBytes === 0 || this.phase === 'done') {
      this.phase = 'done';
      writeReply(this.res, reply, extra, head);
      return;
    }
    writeReplyKeepingOpen(this.res, reply, extra);
    this.phase = 'draining';
    this.drainUntil = performance.now() + this.limits.timeoutMs;
    this.schedule(Math.min(this.limits.timeoutMs, UWS_REFRESH_MS));
  }

  private onData(data: ArrayBuffer, isLast: boolean): void {
    if (isLast) this.ended = true;
    if (this.phase !== 'reading') {
      this.discarded += data.byteLength;
      if (this.phase === 'draining' && (isLast || this.discarded > this.limits.drainBytes)) this.close();
      return;
    }
    this.received += data.byteLength;
    this.lastDataAt = performance.now();
    if (this.received > this.limits.maxBytes) return this.refuse(problems.payloadTooLarge(this.limits.maxBytes));
    if (isLast) clearTimeout(this.timer);
    (this.sink as BodySink).chunk(data, isLast);
  }

  /** Timer: refuses a late body, closes a drain past its time, else pushes uWS's timeout back and waits again. */
  private tick(): void {
    const now = performance.now();
    const deadline = this.phase === 'draining' ? this.drainUntil : bodyDeadline(this.startedAt, this.lastDataAt, this.received, this.limits);
    if (now >= deadline) {
      if (this.phase === 'draining') return this.close();
      this.timedOut = true;
      return this.refuse(problems.requestTimeout(this.limits.timeoutMs, this.limits.minRate));
    }
    this.res.pause();
    this.res.resume();
    this.schedule(Math.min(deadline - now, UWS_REFRESH_MS));
  }

  private schedule(ms: number): void {
    this.timer = setTimeout(() => this.tick(), Math.ceil(ms));
  }

  private refuse(problem: Problem): void {
    clearTimeout(this.timer);
    this.phase = 'refused';
    (this.sink as BodySink).fail(problem);
  }

  /**
   * Ends a drain: the body is read or past its bounds. Closed on the next turn: called from `onData`,
   * uWS still holds the answer in its cork buffer (its data handler corks the socket for the whole
   * read, `HttpContext.h` lines 125 and 268, 315) and closing now would drop it. uWS then calls
   * `onAborted` (the response was left pending), unless it closed the connection itself meanwhile.
   */
  private close(): void {
    this.phase = 'closing';
    clearTimeout(this.timer);
    setImmediate(() => {
      if (this.phase !== 'closing') return;
      this.phase = 'done';
      this.res.close();
    });
  }
}
