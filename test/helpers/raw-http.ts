import { connect, type Socket } from 'node:net';

/** What a raw HTTP/1.1 exchange produced. */
export interface RawExchange {
  /** Status code of the first response, or undefined when none arrived. */
  status: number | undefined;
  /** Lower-case headers of the first response. */
  headers: Record<string, string>;
  /** Body of the first response (by its Content-Length). */
  body: string;
  /** How the connection ended: closed by the server (FIN), reset, or still open at `timeoutMs`. */
  end: 'close' | 'reset' | 'timeout';
  /** Everything received, as latin1 text (all responses, for pipelined requests). */
  raw: string;
  /** Milliseconds from connecting to the end. */
  elapsedMs: number;
}

/**
 * Writes `chunks` to a fresh TCP connection to 127.0.0.1:`port` (for requests fetch cannot send:
 * lying or missing Content-Length, oversized bodies the server refuses before reading) and reads
 * until the server ends the connection, or `timeoutMs`. Write errors after the server closes
 * (EPIPE, ECONNRESET) are expected and ignored.
 * @param gapMs pause between two chunks (0: all written at once, so the server may read them as one).
 */
export function rawExchange(port: number, chunks: readonly (string | Buffer)[], timeoutMs = 5000, gapMs = 0): Promise<RawExchange> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    watchExchange(socket, timeoutMs, resolve);
    socket.on('connect', async () => {
      for (const [i, c] of chunks.entries()) {
        if (i > 0 && gapMs > 0) await new Promise((r) => setTimeout(r, gapMs));
        if (socket.destroyed) return;
        socket.write(c);
      }
    });
  });
}

/** Collects what `socket` receives until the server ends the connection or `timeoutMs`, then destroys it and calls `done` once. */
function watchExchange(socket: Socket, timeoutMs: number, done: (r: RawExchange) => void): void {
  const received: Buffer[] = [];
  const start = performance.now();
  let reset = false;
  let finished = false;
  const finish = (end: RawExchange['end']) => {
    if (finished) return;
    finished = true;
    clearTimeout(timer);
    socket.destroy();
    const raw = Buffer.concat(received).toString('latin1');
    done({ ...parseFirstResponse(raw), end, raw, elapsedMs: performance.now() - start });
  };
  const timer = setTimeout(() => finish('timeout'), timeoutMs);
  socket.on('data', (c: Buffer) => received.push(c));
  socket.on('error', () => { reset = true; });
  socket.on('close', () => finish(reset ? 'reset' : 'close'));
}

/** One HTTP/1.1 response read off a raw socket. */
export type RawResponse = Omit<RawExchange, 'end' | 'raw' | 'elapsedMs'>;

function parseFirstResponse(text: string): RawResponse {
  return parseResponseAt(text, 0)?.response ?? { status: undefined, headers: {}, body: '' };
}

/**
 * Status and lower-case headers of the response head starting at `offset` of `text` (latin1), and
 * where its body starts; undefined until the head is complete. (A HEAD answer is only this.)
 */
export function responseHead(text: string, offset = 0): { status: number; headers: Record<string, string>; bodyStart: number } | undefined {
  const headEnd = text.indexOf('\r\n\r\n', offset);
  if (headEnd < 0) return undefined;
  const [statusLine, ...lines] = text.slice(offset, headEnd).split('\r\n');
  const headers: Record<string, string> = {};
  for (const l of lines) {
    const i = l.indexOf(':');
    headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
  }
  return { status: Number(statusLine?.split(' ')[1]), headers, bodyStart: headEnd + 4 };
}

/** Parses the response starting at `offset` of `text` (latin1) if it is complete; `next` is the offset after it. */
function parseResponseAt(text: string, offset: number): { response: RawResponse; next: number } | undefined {
  const head = responseHead(text, offset);
  if (head === undefined) return undefined;
  const { status, headers, bodyStart } = head;
  const length = Number(headers['content-length'] ?? 0);
  if (text.length < bodyStart + length) return undefined;
  const body = Buffer.from(text.slice(bodyStart, bodyStart + length), 'latin1').toString('utf8');
  return { response: { status, headers, body }, next: bodyStart + length };
}

/**
 * Sends `requests` one after the other on one keep-alive connection, each once the previous response
 * is complete (framed by its Content-Length, none meaning no body). Rejects after `timeoutMs`
 * or when the server closes before answering them all.
 */
export function rawSequence(port: number, requests: readonly string[], timeoutMs = 5000): Promise<RawResponse[]> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const responses: RawResponse[] = [];
    let text = '';
    let offset = 0;
    const finish = (err?: Error) => {
      clearTimeout(timer);
      socket.destroy();
      if (err === undefined) resolve(responses);
      else reject(err);
    };
    const timer = setTimeout(() => finish(new Error(`no complete answer within ${timeoutMs} ms; got ${JSON.stringify(text)}`)), timeoutMs);
    socket.on('connect', () => socket.write(requests[0] ?? ''));
    socket.on('error', (err) => finish(err));
    socket.on('close', () => finish(new Error(`connection closed after ${responses.length} of ${requests.length} responses: ${JSON.stringify(text)}`)));
    socket.on('data', (c: Buffer) => {
      text += c.toString('latin1');
      for (let r = parseResponseAt(text, offset); r !== undefined; r = parseResponseAt(text, offset)) {
        responses.push(r.response);
        offset = r.next;
        if (responses.length === requests.length) return finish();
        socket.write(requests[responses.length] ?? '');
      }
    });
  });
}

/** Head of an HTTP/1.1 request to `path` with the given extra header lines (each without CRLF). */
export function requestHead(method: string, path: string, headerLines: readonly string[]): string {
  return [`${method} ${path} HTTP/1.1`, 'Host: 127.0.0.1', ...headerLines, '', ''].join('\r\n');
}

/** What a paced upload produced: the exchange, and how many body bytes were written. */
export interface RawUpload extends RawExchange {
  /** Body bytes written before the upload stopped (all, an answer arrived, or the connection ended). */
  sent: number;
}

/**
 * Sends `head` on a fresh connection to 127.0.0.1:`port`, then `body` paced at `bytesPerSecond`
 * (written every 20 ms so that the total keeps up with the rate however late the timers run),
 * and reads until the server ends the connection, or `timeoutMs`.
 * @param stopOnAnswer stop writing as soon as any answer byte arrives (a client that reads while it sends).
 */
export function rawUpload(port: number, head: string, body: Buffer, bytesPerSecond: number, stopOnAnswer: boolean, timeoutMs = 10_000): Promise<RawUpload> {
  let sent = 0;
  let answered = false;
  const socket = connect(port, '127.0.0.1');
  socket.once('data', () => { answered = true; });
  const paced = async () => {
    socket.write(head);
    const start = performance.now();
    while (sent < body.length && !socket.destroyed && !(stopOnAnswer && answered)) {
      await new Promise((r) => setTimeout(r, 20));
      const due = Math.min(body.length, Math.ceil(((performance.now() - start) / 1000) * bytesPerSecond));
      if (due > sent && !socket.destroyed) socket.write(body.subarray(sent, due));
      sent = Math.max(sent, due);
    }
  };
  return new Promise((resolve) => {
    watchExchange(socket, timeoutMs, (r) => resolve({ ...r, sent }));
    socket.on('connect', () => void paced());
  });
}
