import { STATUS_CODES } from 'node:http';
import type { Dispatcher } from 'undici';
import type { HttpResponse } from 'uWebSockets.js';
import type { GateHeaders } from '../auth/gate.ts';
import type { StreamedReply } from '../router.ts';
import { problemReply, writeReply } from '../reply.ts';
import { relayedResponseHeaders } from './headers.ts';
import { gatewayProblems } from './problems.ts';
import type { StoredResponse } from './upstream.ts';

/** Statuses that never carry a body (RFC 9110 §6.4.1): uWS must not write a Content-Length either. */
const noBody = (status: number) => status === 204 || status === 304 || status < 200;

/** Status line, `extra` (gate) headers, relayed headers and `Age` when served from memory. Call inside `res.cork`. */
function writeHead(res: HttpResponse, status: number, headers: readonly (readonly [string, string])[], extra: GateHeaders, age: number | undefined): void {
  res.writeStatus(`${status} ${STATUS_CODES[status] ?? 'Unknown'}`);
  if (extra !== undefined) for (const k in extra) res.writeHeader(k, extra[k] as string);
  for (const [k, v] of headers) res.writeHeader(k, v);
  if (age !== undefined) res.writeHeader('age', String(age));
}

/**
 * An upstream answer held in memory, written in one corked burst.
 * @param age seconds since it was stored (written as `Age`), undefined when just fetched.
 */
export function storedReply(r: StoredResponse, age: number | undefined): StreamedReply {
  return {
    status: r.status,
    write(res, extra) {
      res.cork(() => {
        writeHead(res, r.status, r.headers, extra, age);
        if (noBody(r.status)) res.endWithoutBody();
        else res.end(r.body);
      });
    },
  };
}

/**
 * An upstream answer streamed to the client as it arrives, with backpressure both ways: when uWS
 * cannot take a chunk the upstream body is paused until `onWritable`. With an upstream
 * `Content-Length` the client gets the same length (`tryEnd`), else chunked encoding; the head goes
 * out with the first chunk. If the upstream fails before its first chunk the client gets a 502
 * problem; after it, the client connection is closed (the answer is visibly truncated). If the
 * client goes away (`signal`) the upstream body is destroyed.
 * @param head the request was a HEAD: the upstream's length is reported, no body is written.
 * @param onFailure called when the upstream body fails after the headers were sent.
 */
export function streamedReply(up: Dispatcher.ResponseData, head: boolean, signal: AbortSignal, onFailure: (err: Error) => void): StreamedReply {
  return {
    status: up.statusCode,
    write(res, extra) {
      const body = up.body;
      if (signal.aborted) {
        body.destroy();
        return;
      }
      const declared = up.headers['content-length'];
      const length = typeof declared === 'string' && /^[0-9]+$/.test(declared) ? Number(declared) : undefined;
      if (head || noBody(up.statusCode) || length === 0) {
        res.cork(() => {
          writeHead(res, up.statusCode, relayedResponseHeaders(up.headers), extra, undefined);
          if (noBody(up.statusCode) || (head && length === undefined)) res.endWithoutBody();
          else if (head) res.endWithoutBody(length);
          else res.end();
        });
        body.resume();
        return;
      }
      let done = false;
      let started = false;
      /** The chunk uWS did not take whole, and the write offset it started at. */
      let pending: Buffer | undefined;
      let pendingAt = 0;
      const stop = () => body.destroy();
      signal.addEventListener('abort', stop, { once: true });
      const finish = () => {
        done = true;
        signal.removeEventListener('abort', stop);
      };
      // The head goes out with the first chunk: one corked write (one syscall) for a small answer.
      const headOnce = () => {
        if (started) return;
        started = true;
        writeHead(res, up.statusCode, relayedResponseHeaders(up.headers), extra, undefined);
      };
      res.onWritable((offset) => {
        if (length === undefined) {
          body.resume();
          return true;
        }
        const [ok, ended] = res.tryEnd((pending as Buffer).subarray(offset - pendingAt), length);
        if (ended) finish();
        else if (ok) body.resume();
        return ok;
      });
      body.on('data', (chunk: Buffer) => {
        if (done || signal.aborted) return;
        res.cork(() => {
          headOnce();
          if (length === undefined) {
            if (!res.write(chunk)) body.pause();
            return;
          }
          pendingAt = res.getWriteOffset();
          const [ok, ended] = res.tryEnd(chunk, length);
          if (ended) finish();
          else if (!ok) {
            pending = chunk;
            body.pause();
          }
        });
      });
      body.once('end', () => {
        if (done || signal.aborted) return;
        finish();
        if (length === undefined) res.cork(() => { headOnce(); res.end(); });
        else res.close(); // the upstream sent less than its Content-Length
      });
      body.once('error', (err) => {
        if (done || signal.aborted) return;
        finish();
        onFailure(err);
        // Nothing sent yet: the client still gets a proper answer; else the cut must be visible.
        if (!started) res.cork(() => writeReply(res, problemReply(gatewayProblems.badGateway(`The upstream failed before its body: ${err.message}`)), extra));
        else res.close();
      });
    },
  };
}
