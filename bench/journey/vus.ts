/**
 * The load generator of `npm run bench:journey`, run by bench/journey.ts as its own process:
 * `node --import tsx bench/journey/vus.ts <plan.json> <results.json>`. One virtual user per account of
 * the plan, all in this process, over one undici keep-alive Pool to 127.0.0.1 (one connection per
 * virtual user, no pipelining: uWS closes a connection that pipelines behind a write). Each virtual
 * user sends one request at a time and the next as soon as the answer is read (closed loop), or the
 * plan's `thinkMs` after it. Phases (bench/journey/plan.ts), each `warmupS` s unrecorded and then `durationS` s measured:
 *
 * - `journey`: session resume (`POST /auth/refresh`, the app's log-in once it holds a refresh token),
 *   search nearby (a random city centre of the demo catalogue, 2 km, 20 items, with the token), open one
 *   of the offers found that still has slots (`GET /offers/{id}`), favourite it (`PUT /me/favorites/{id}`),
 *   book it (`POST /bookings`), then as a staff member of its partner: check the booking in with its
 *   `qr_code` (confirming it first when the offer requires approval) every other journey, cancel it the
 *   other times;
 * - `hot`: every virtual user books the same offer, again and again;
 * - `spread`: every virtual user books an offer drawn uniformly from the plan's spread offers.
 *
 * Writes the phases' figures (bench/journey/stats.ts) as JSON into `<results.json>`; progress on stderr.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import type { TokenPair } from '../lib/offers.ts';
import { STEPS, type JourneyPlan, type Phase, type PhaseResult } from './plan.ts';
import { PhaseRecorder } from './stats.ts';

interface Answer { status: number; body: string }
interface Booking { id: string; status: string; qr_code: string }

const [planFile, outFile] = process.argv.slice(2);
if (planFile === undefined || outFile === undefined) {
  process.stderr.write('usage: vus.ts <plan.json> <results.json>\n');
  process.exit(2);
}
const plan = JSON.parse(readFileSync(planFile, 'utf8')) as JourneyPlan;
const users: TokenPair[] = plan.users.map((u) => ({ ...u }));
const pool = new Pool(plan.base, { connections: users.length, pipelining: 1, keepAliveTimeout: 60_000, keepAliveMaxTimeout: 600_000 });
const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)] as T;

/**
 * Sends one request of `step` (JSON `body` when given, `token` as Bearer when given) and reads the whole
 * answer, then waits the plan's think time. @returns the answer, or undefined when none came (counted as a
 * failure; waits at least 10 ms then, so a dead server does not turn the loop into a spin).
 */
async function call(rec: PhaseRecorder, step: string, method: 'GET' | 'POST' | 'PUT', path: string, token?: string, body?: object): Promise<Answer | undefined> {
  const headers: Record<string, string> = {};
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const sentAt = performance.now();
  try {
    const res = await pool.request({ method, path, headers, body: body === undefined ? null : JSON.stringify(body) });
    const text = await res.body.text();
    rec.answer(step, res.statusCode, sentAt);
    if (plan.thinkMs > 0) await sleep(plan.thinkMs);
    return { status: res.statusCode, body: text };
  } catch {
    rec.failure(step, sentAt);
    await sleep(Math.max(10, plan.thinkMs));
    return undefined;
  }
}

/** One journey of virtual user `vu` (see the file's docstring); `turn` picks check-in (even) or cancel (odd). */
async function journey(rec: PhaseRecorder, vu: number, turn: number): Promise<void> {
  const me = users[vu] as TokenPair;
  const session = await call(rec, STEPS.refresh, 'POST', '/auth/refresh', undefined, { refresh_token: me.refresh_token });
  if (session?.status === 200) Object.assign(me, JSON.parse(session.body) as TokenPair);
  const token = me.access_token;
  const found = await call(rec, STEPS.search, 'GET', pick(plan.searches), token);
  if (found?.status !== 200) return;
  const bookable = (JSON.parse(found.body) as { id: string; remaining: number | null }[]).filter((o) => o.remaining !== 0);
  if (bookable.length === 0) {
    rec.note('searches with no bookable offer', performance.now());
    return;
  }
  const offer = pick(bookable).id;
  await call(rec, STEPS.open, 'GET', `/offers/${offer}`, token);
  await call(rec, STEPS.favorite, 'PUT', `/me/favorites/${offer}`, token);
  const booked = await call(rec, STEPS.book, 'POST', '/bookings', token, { offer_id: offer });
  if (booked?.status !== 201) return;
  const booking = JSON.parse(booked.body) as Booking;
  const staff = (plan.staff[vu % plan.staff.length] as TokenPair).access_token;
  if (turn % 2 === 1) {
    await call(rec, STEPS.cancel, 'POST', `/bookings/${booking.id}/cancel`, staff);
    return;
  }
  if (booking.status === 'PENDING') {
    const confirmed = await call(rec, STEPS.confirm, 'POST', `/bookings/${booking.id}/confirm`, staff);
    if (confirmed?.status !== 200) return;
  }
  await call(rec, STEPS.checkIn, 'POST', `/bookings/${booking.id}/check-in`, staff, { qr_code: booking.qr_code });
}

/** What one virtual user does once in each phase. */
const ITERATIONS: Record<Phase, (rec: PhaseRecorder, vu: number, turn: number) => Promise<unknown>> = {
  journey,
  hot: (rec, vu) => call(rec, STEPS.bookHot, 'POST', '/bookings', (users[vu] as TokenPair).access_token, { offer_id: plan.hotOffer }),
  spread: (rec, vu) => call(rec, STEPS.bookSpread, 'POST', '/bookings', (users[vu] as TokenPair).access_token, { offer_id: pick(plan.spreadOffers) }),
};

/** Runs `phase` with every virtual user: `warmupS` s unrecorded, then `durationS` s measured. */
async function runPhase(phase: Phase): Promise<PhaseResult> {
  const rec = new PhaseRecorder(plan.serverPid);
  const warmupMs = plan.warmupS * 1000;
  const end = performance.now() + warmupMs + plan.durationS * 1000;
  const started = setTimeout(() => rec.start(), warmupMs);
  const stopped = setTimeout(() => rec.stop(), warmupMs + plan.durationS * 1000);
  process.stderr.write(`bench:journey: ${phase}: ${users.length} virtual users, ${plan.warmupS} s warm-up + ${plan.durationS} s\n`);
  await Promise.all(users.map(async (_, vu) => {
    for (let turn = vu; performance.now() < end; turn++) await ITERATIONS[phase](rec, vu, turn);
  }));
  clearTimeout(started);
  clearTimeout(stopped);
  return rec.result(phase, Object.values(STEPS));
}

const results: PhaseResult[] = [];
for (const phase of plan.phases) results.push(await runPhase(phase));
await pool.close();
writeFileSync(outFile, JSON.stringify(results, null, 2));
