/**
 * The ceiling of this machine for the load benchmark: a bare uWebSockets.js server that answers
 * every request, on any path and method, with one fixed JSON area (the size of a seeded city).
 * No routing, parsing, cache or threads: what is left is the cost of HTTP itself.
 *
 * Environment: `PORT` (required), `HOST` (default 127.0.0.1), `CEILING_BODY_FILE` (optional: answer
 * that file's bytes instead, e.g. a captured `/aggregate/areas` answer). Exits 1 when it cannot listen;
 * stops on SIGTERM/SIGINT.
 * Run by bench/load.ts as `node --import tsx bench/ceiling.ts`.
 */
import { readFileSync } from 'node:fs';
import uws from 'uWebSockets.js';

const AREA = JSON.stringify({
  id: 67890, name: 'El Tarter', type: 'city', location: { lat: 42.57952, lng: 1.65362 }, population: 1052,
  country: 'AD', external_ref: 'geonames:3039154', created_at: '2026-11-22T10:00:00.000Z', updated_at: '2026-11-22T10:00:00.000Z',
});
const BODY = process.env.CEILING_BODY_FILE ? readFileSync(process.env.CEILING_BODY_FILE) : AREA;

const app = uws.App().any('/*', (res) => {
  res.writeHeader('Content-Type', 'application/json').end(BODY);
});
app.listen(process.env.HOST ?? '127.0.0.1', Number(process.env.PORT), (socket) => {
  if (socket !== false) return;
  process.stderr.write(`ceiling: cannot listen on port ${process.env.PORT}\n`);
  process.exit(1);
});
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => process.exit(0));
