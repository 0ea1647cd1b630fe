import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';

/** Where an upstream body goes, chunk by chunk. */
export interface BodySink {
  /** One chunk (not reused by undici: it may be kept). @returns false to pause the upstream until `Exchange.resume()`. */
  data(chunk: Buffer): boolean;
  /** The body is complete. */
  end(): void;
  /** The body failed midway (reset, timeout between chunks, aborted). */
  error(err: Error): void;
}

/**
 * One request/response with the upstream as an undici dispatch handler (no Readable, no
 * per-request promise chain for the body): `settle` is called once, with the response head or
 * with the error that came before it; the body is then delivered to the sink given to `pipe`
 * (chunks that arrived before are queued), with backpressure through `pause`/`resume`.
 */
export class Exchange implements Dispatcher.DispatchHandler {
  status = 0;
  /** Response headers, lower-case names (undici's form: repeated ones as arrays). */
  headers: IncomingHttpHeaders = {};
  private controller: Dispatcher.DispatchController | undefined;
  private sink: BodySink | undefined;
  private queued: Buffer[] = [];
  private state: 'head' | 'body' | 'ended' | 'failed' = 'head';
  private failure: Error | undefined;
  private abortedWith: Error | undefined;

  constructor(private readonly settle: (err?: Error) => void) {}

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.abortedWith !== undefined) controller.abort(this.abortedWith);
  }

  onResponseStart(_c: Dispatcher.DispatchController, status: number, headers: IncomingHttpHeaders): void {
    this.status = status;
    this.headers = headers;
    this.state = 'body';
    this.settle();
  }

  onResponseData(c: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.sink === undefined) this.queued.push(chunk);
    else if (!this.sink.data(chunk)) c.pause();
  }

  onResponseEnd(): void {
    this.state = 'ended';
    this.sink?.end();
  }

  onResponseError(_c: Dispatcher.DispatchController, err: Error): void {
    const before = this.state === 'head';
    this.state = 'failed';
    this.failure = err;
    if (before) this.settle(err);
    else this.sink?.error(err);
  }

  /** Delivers the body to `sink`: the chunks received so far, then the rest as it comes. */
  pipe(sink: BodySink): void {
    this.sink = sink;
    const queued = this.queued;
    this.queued = [];
    for (const chunk of queued) if (!sink.data(chunk)) this.controller?.pause();
    if (this.state === 'ended') sink.end();
    else if (this.state === 'failed') sink.error(this.failure as Error);
  }

  /** Resumes a paused body. */
  resume(): void {
    this.controller?.resume();
  }

  /** Cancels the exchange (the client went away, or the body is unwanted). */
  abort(err: Error): void {
    if (this.state === 'ended' || this.state === 'failed') return;
    if (this.controller === undefined) this.abortedWith = err;
    else this.controller.abort(err);
  }
}
