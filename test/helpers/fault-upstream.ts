import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the fault upstream received. */
export interface Received {
  method: string;
  /** Raw request target (path and query) as sent. */
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** How `/areas` behaves: normal pages, 500s, no answer at all, or a reset connection. */
export type AreasMode = 'ok' | 'fail' | 'hang' | 'reset';

/** A misbehaving HTTP upstream on an ephemeral port of 127.0.0.1, for the gateway tests. */
export interface FaultUpstream {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** Every request received, in arrival order. */
  received: Received[];
  /** How many received requests have a target starting with `prefix`. */
  count(prefix: string): number;
  /** Behaviour of `/areas` (default `ok`). */
  areasMode: AreasMode;
  /** Requests to `/slow` whose connection was closed (by the gateway) before the answer was sent. */
  cancelled: number;
  close(): Promise<void>;
}

/** Areas served by `/areas`, pages of 2 linked with `Link: rel="next"` (relative targets). */
export const FAULT_AREAS = Array.from({ length: 7 }, (_, i) => ({ id: i + 1, name: `area ${i + 1}`, type: 'city', created_at: '2026-11-22T10:00:00.000Z' }));

/**
 * Starts the fault-injecting upstream (node:http). Routes, by path:
 * - `/echo…` (any method): 200 JSON `{method, url, headers, body}` of the request as received;
 * - `/slow?ms=N`: 200 after N ms (counts in `cancelled` when its connection closes first);
 * - `/status/N`: answers status N with a JSON body;
 * - `/reset`: destroys the connection without answering;
 * - `/midbody`: announces 1000 bytes, sends 10, then destroys the connection;
 * - `/stream`: 3 chunks 50 ms apart, chunked (no Content-Length);
 * - `/cache?cc=<Cache-Control>&vary=<Vary>`: 200 `{"n": <hits on this path>, "lang": <Accept-Language>}` with those headers; `&ms=N` delays it;
 * - `/areas`: FAULT_AREAS in pages of 2 (`?after=` cursor), or per `areasMode`.
 */
export async function startFaultUpstream(): Promise<FaultUpstream> {
  const received: Received[] = [];
  const state: FaultUpstream = {
    url: '', received, areasMode: 'ok', cancelled: 0,
    count: (prefix) => received.filter((r) => r.url.startsWith(prefix)).length,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r: Received = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) };
      received.push(r);
      const u = new URL(r.url, 'http://upstream');
      const json = (status: number, value: unknown, headers: Record<string, string> = {}) => {
        const body = JSON.stringify(value);
        res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers }).end(body);
      };
      const path = u.pathname;
      if (path.startsWith('/echo')) return json(200, { method: r.method, url: r.url, headers: r.headers, body: r.body.toString('utf8') });
      if (path === '/slow') {
        res.once('close', () => { if (!res.writableEnded) state.cancelled++; });
        return void setTimeout(() => { if (!res.destroyed) json(200, { slow: true }); }, Number(u.searchParams.get('ms') ?? 1000));
      }
      if (path.startsWith('/status/')) return json(Number(path.slice(8)), { status: Number(path.slice(8)) });
      if (path === '/reset') return void req.socket.destroy();
      if (path === '/midbody') {
        res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '1000' });
        res.write('0123456789');
        return void setTimeout(() => req.socket.destroy(), 20);
      }
      if (path === '/stream') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        let i = 0;
        const next = () => (i < 3 ? (res.write(`chunk${i++};`), setTimeout(next, 50)) : res.end());
        return void next();
      }
      if (path === '/cache') {
        const headers: Record<string, string> = {};
        if (u.searchParams.has('cc')) headers['cache-control'] = u.searchParams.get('cc') as string;
        if (u.searchParams.has('vary')) headers.vary = u.searchParams.get('vary') as string;
        const answer = () => json(200, { n: state.count(r.url), lang: r.headers['accept-language'] ?? '' }, headers);
        return void setTimeout(answer, Number(u.searchParams.get('ms') ?? 0));
      }
      if (path === '/areas') {
        if (state.areasMode === 'fail') return json(500, { error: 'down' });
        if (state.areasMode === 'hang') return;
        if (state.areasMode === 'reset') return void req.socket.destroy();
        const after = Number(u.searchParams.get('after') ?? 0);
        const page = FAULT_AREAS.filter((a) => a.id > after).slice(0, 2);
        const last = page.at(-1);
        const more = last !== undefined && last.id < FAULT_AREAS.length;
        return json(200, page, more ? { link: `</areas?after=${last.id}&limit=2>; rel="next"` } : {});
      }
      json(404, { error: 'no such fault' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return state;
}
