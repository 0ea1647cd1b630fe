/**
 * Fuzzing (issue 12, "Abuse that costs nothing"): one real server with a small seeded world gets
 * generated HTTP requests for every operation of its own `/openapi.json` and WebSocket frames (JSON
 * and msgpack) for every command of its `x-commands`, for a bounded time, and must answer each by the
 * contract: no 5xx, every error an RFC 9457 problem, every frame one reply with a 4xx problem or a
 * result on a socket that stays usable, `GET /health` 200 throughout, and nothing stored changed by a
 * refused request or a read (test/helpers/fuzz/campaign.ts).
 *
 * FUZZ_MS (default 24000) is the time budget of both properties together (60% HTTP, 40% WebSocket);
 * FUZZ_SEED replays a run (the seed is printed by every run and by fast-check on failure). Generated
 * cases depend only on the seed; the ids they point at are looked up in the world when they run.
 * The server runs with RATE_LIMIT=off: the fuzzer sends thousands of requests from one address; and with
 * IDEMPOTENCY_SWEEP_MS=0: a sweep's removals (sessions revoked by a replayed refresh token) would show in
 * the store digest as a change made by whatever case ran meanwhile.
 */
import { after, test, type TestContext } from 'node:test';
import fc from 'fast-check';
import { Agent } from 'undici';
import { Campaign } from '../helpers/fuzz/campaign.ts';
import { httpCases, resolveCase } from '../helpers/fuzz/http-cases.ts';
import { checkReply, describe, sendRequest } from '../helpers/fuzz/http-check.ts';
import { readSurface, type Surface } from '../helpers/fuzz/surface.ts';
import { encodeCase, wsCases } from '../helpers/fuzz/ws-cases.ts';
import { SocketPool } from '../helpers/fuzz/ws-check.ts';
import { suiteServer } from '../helpers/suite.ts';

const BUDGET_MS = Number(process.env.FUZZ_MS ?? 24_000);
const SEED = process.env.FUZZ_SEED === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(process.env.FUZZ_SEED);
/** Methods that must never change stored data, whatever their answer. */
const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Longest wait for an HTTP answer before the request counts as hanging. */
const ANSWER_MS = 10_000;

let campaign: Campaign;
let surface: Surface;
let pool: SocketPool;
const agent = new Agent({ pipelining: 1, keepAliveTimeout: 1000 });
const s = suiteServer({ RATE_LIMIT: 'off', IDEMPOTENCY_SWEEP_MS: '0' }, async (server) => {
  surface = await readSurface(server.url);
  campaign = await Campaign.start(server);
  pool = new SocketPool(server.url, campaign.world);
});
after(async () => {
  pool.closeAll();
  await agent.close();
  await campaign.close();
});

/**
 * Runs `run` on cases of `arb` for `share` of the budget from SEED, then waits for the case in flight:
 * fast-check's time limit interrupts a run without awaiting it, and its checks (and any re-seed) must
 * finish before the next property starts. Reports the counts and checks health at the end.
 */
async function fuzz<T>(t: TestContext, share: number, arb: fc.Arbitrary<T>, run: (c: T) => Promise<void>): Promise<void> {
  t.diagnostic(`FUZZ_SEED=${SEED} FUZZ_MS=${BUDGET_MS}`);
  const start = campaign.total;
  const started = performance.now();
  let inFlight: Promise<void> = Promise.resolve();
  const property = fc.asyncProperty(arb, (c) => (inFlight = run(c)));
  await fc.assert(property, { seed: SEED, numRuns: Number.MAX_SAFE_INTEGER, interruptAfterTimeLimit: BUDGET_MS * share, markInterruptAsFailure: false, includeErrorInReport: true });
  await inFlight;
  await campaign.health();
  t.diagnostic(`${campaign.total - start} cases in ${Math.round(performance.now() - started)} ms, ${campaign.reseeds} re-seeds so far`);
}

/** One line per label: how often each outcome came. */
function report(t: TestContext, prefix: (label: string) => boolean): void {
  for (const [label, outcomes] of [...campaign.counts].filter(([l]) => prefix(l)).sort())
    t.diagnostic(`${label}: ${[...outcomes].sort().map(([o, n]) => `${o}×${n}`).join(' ')}`);
}

test('HTTP: every route answers generated requests by the contract and refusals change nothing', async (t) => {
  const labels = new Set(surface.operations.map((o) => `${o.method} ${o.path}`));
  let unsent = 0;
  await fuzz(t, 0.6, httpCases(surface.operations), async (c) => {
    const spec = resolveCase(c, campaign.world.lookup);
    const sent = await sendRequest(s.server.url, spec, agent, ANSWER_MS);
    if ('unsent' in sent) { unsent++; return; }
    const status = 'reply' in sent ? sent.reply.status : undefined;
    if ('reply' in sent) checkReply(spec, sent.reply);
    const mayChange = new Set<string>();
    if (spec.headers['idempotency-key'] !== undefined) mayChange.add('idempotency');
    if (spec.method === 'POST' && spec.target.split('?')[0] === '/auth/refresh' && status === 401) mayChange.add('sessions');
    // A reset leaves the outcome unknown: the store is only re-read.
    const mustNotWrite = status !== undefined && (SAFE.has(spec.method) || status >= 400);
    if (await campaign.after({ label: c.label, what: describe(spec), outcome: status === undefined ? 'reset' : String(status), mustNotWrite, mayChange }))
      pool.reset(campaign.world);
  });
  report(t, (l) => labels.has(l) || l === '(no route)');
  t.diagnostic(`${[...labels].filter((l) => campaign.counts.has(l)).length} of ${labels.size} operations fuzzed; ${unsent} generated requests undici would not send`);
});

test('WebSocket: every command and frame gets one reply by the contract and refusals change nothing', async (t) => {
  await fuzz(t, 0.4, wsCases(surface.commands), async (c) => {
    const { data, text } = encodeCase(c, campaign.world.lookup);
    const outcome = await pool.run(c, data, text);
    const v = 'value' in c.frame ? c.frame.value : undefined;
    const keyed = typeof v === 'object' && v !== null && 'idempotency_key' in v;
    const accepted = 'reply' in outcome && outcome.reply.ok && c.label.startsWith('command ');
    const status = 'closed' in outcome ? `closed ${outcome.closed.code}` : outcome.reply.ok ? 'ok' : String(outcome.reply.error.status);
    if (await campaign.after({ label: `ws ${c.label}`, what: `${c.encoding} frame ${JSON.stringify(data.toString().slice(0, 300))}`, outcome: status,
      mustNotWrite: !accepted, mayChange: new Set(keyed ? ['idempotency'] : []) }))
      pool.reset(campaign.world);
  });
  report(t, (l) => l.startsWith('ws '));
});
