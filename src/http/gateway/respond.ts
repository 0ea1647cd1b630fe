import { STATUS_CODES } from 'node:http';
import type { HttpResponse } from 'uWebSockets.js';
import type { GateHeaders } from '../auth/gate.ts';
import { problemReply, writeReply } from '../reply.ts';
import type { StreamedReply } from '../router.ts';
import type { Exchange } from './exchange.ts';
import { relayedResponseHeaders } from './headers.ts';
import { gatewayProblems } from './problems.ts';
import type { ClientLink, StoredResponse } from './upstream.ts';

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
 * An upstream answer streamed to the client as it arrives. The head goes out with the first
 * chunk (one corked write for a small answer). With an upstream `Content-Length` the client gets
 * the same length (`tryEnd`), else chunked encoding. Backpressure: while uWS holds unsent bytes,
 * chunks queue here and the upstream is paused until `onWritable`. If the upstream fails before
 * its first chunk the client gets a 502 problem; after it, the client connection is closed (the
 * cut is visible). If the client goes away the exchange is cancelled.
 * @param head the request was a HEAD: the upstream's length is reported, no body is written.
 * @param onFailure called when the upstream body fails.
 */
export function streamedReply(ex: Exchange, head: boolean, client: ClientLink, onFailure: (err: Error) => void): StreamedReply {
  return {
    status: ex.status,
    write(res, extra) {
      if (client.aborted) return ex.abort(new Error('The client went away.'));
      const declared = ex.headers['content-length'];
      const length = typeof declared === 'string' && /^[0-9]+$/.test(declared) ? Number(declared) : undefined;
      const headers = relayedResponseHeaders(ex.headers);
      if (head || noBody(ex.status) || length === 0) {
        res.cork(() => {
          writeHead(res, ex.status, headers, extra, undefined);
          if (noBody(ex.status) || (head && length === undefined)) res.endWithoutBody();
          else if (head) res.endWithoutBody(length);
          else res.end();
        });
        return;
      }
      let started = false;
      let done = false;
      let blocked = false;
      let ended = false;
      /** Chunks not yet taken by uWS; the first may be partly written (from write offset `firstAt`). */
      const queue: Buffer[] = [];
      let firstAt = 0;
      const gone = () => done || client.aborted;
      /** Writes queued chunks until uWS pushes back; true when all were taken. Inside cork. */
      const flush = (): boolean => {
        if (!started) {
          started = true;
          writeHead(res, ex.status, headers, extra, undefined);
        }
        while (queue.length > 0) {
          const chunk = queue[0] as Buffer;
          if (length === undefined) {
            queue.shift();
            if (!res.write(chunk)) return false;
            continue;
          }
          firstAt = res.getWriteOffset();
          const [ok, finished] = res.tryEnd(chunk, length);
          if (finished) {
            done = true;
            queue.length = 0;
            return true;
          }
          if (!ok) return false;
          queue.shift();
        }
        return true;
      };
      const end = () => {
        if (gone()) return;
        done = true;
        if (length === undefined) res.cork(() => { flush(); res.end(); });
        else res.close(); // the upstream sent less than its Content-Length
      };
      res.onWritable((offset) => {
        if (gone()) return true;
        if (length !== undefined && queue.length > 0) queue[0] = (queue[0] as Buffer).subarray(offset - firstAt);
        const ok = flush();
        if (!ok) return false;
        blocked = false;
        if (ended) end();
        else ex.resume();
        return true;
      });
      ex.pipe({
        data(chunk) {
          if (gone()) return true;
          queue.push(chunk);
          if (blocked) return false;
          let ok = true;
          res.cork(() => { ok = flush(); });
          blocked = !ok;
          return ok;
        },
        end() {
          ended = true;
          if (!blocked) end();
        },
        error(err) {
          if (gone()) return;
          done = true;
          onFailure(err);
          if (!started) res.cork(() => writeReply(res, problemReply(gatewayProblems.badGateway(`The upstream failed before its body: ${err.message}`)), extra));
          else res.close();
        },
      });
    },
  };
}
