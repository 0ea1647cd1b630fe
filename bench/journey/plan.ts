import type { TokenPair } from '../lib/offers.ts';

/**
 * What bench/journey.ts hands the load generator (bench/journey/vus.ts, its own process) as a JSON
 * file, and what the generator writes back.
 */

/** The phases, in the order they run. */
export const PHASES = ['journey', 'hot', 'spread'] as const;
export type Phase = (typeof PHASES)[number];

/** Step names, as printed in the table. */
export const STEPS = {
  refresh: 'log in: POST /auth/refresh',
  search: 'search: GET /offers nearby (2 km, 20)',
  open: 'open: GET /offers/{id}',
  favorite: 'favourite: PUT /me/favorites/{id}',
  book: 'book: POST /bookings',
  confirm: 'staff: POST /bookings/{id}/confirm',
  checkIn: 'staff: POST /bookings/{id}/check-in',
  cancel: 'staff: POST /bookings/{id}/cancel',
  bookHot: 'POST /bookings, hot offer',
  bookSpread: 'POST /bookings, spread offers',
} as const;

/** Everything the virtual users need; prepared through the API by bench/journey/prepare.ts. */
export interface JourneyPlan {
  /** `http://127.0.0.1:<port>` of the server under test. */
  base: string;
  /** Its process id, to read its CPU time (Linux `/proc`). */
  serverPid: number;
  /** Phases to run, in PHASES order. */
  phases: Phase[];
  /** Seconds measured per phase, after `warmupS` seconds of the same load unrecorded. */
  durationS: number;
  warmupS: number;
  /** Pause of a virtual user after each answer before its next request, ms (0: closed loop, no think time). */
  thinkMs: number;
  /** One account per virtual user (registered before the run). */
  users: TokenPair[];
  /** Accounts that are `staff` members of every partner of the store: the virtual users' partner staff. */
  staff: TokenPair[];
  /** `GET /offers?lat&lng&radius_m&limit` paths around city centres of the demo catalogue. */
  searches: string[];
  /** The offer every virtual user books in the `hot` phase (big quota, no per-user limit). */
  hotOffer: string;
  /** The offers drawn from uniformly in the `spread` phase (same quotas). */
  spreadOffers: string[];
}

/** Latency and outcomes of one step over one phase's measured window. */
export interface StepResult {
  step: string;
  /** Answers received (any status). */
  count: number;
  /** Answers per second of the measured window. */
  perSec: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Answers by status code, e.g. `{ "201": 40210, "409": 12 }`. */
  statuses: Record<string, number>;
  /** Requests that got no answer (socket errors, timeouts). */
  failed: number;
}

/** One phase as measured by the load generator. */
export interface PhaseResult {
  phase: Phase;
  /** Length of the measured window, s. */
  seconds: number;
  steps: StepResult[];
  /** Counts of what happened beside the steps (e.g. searches that offered nothing bookable). */
  notes: Record<string, number>;
  /** CPU used over the measured window, in cores (1 = one core busy all the time); undefined where unreadable. */
  cpu: { server: number | undefined; generator: number };
  /** 1-minute load average at the end of the phase (ours is ~3: front, actors, generator; more means other work). */
  loadAverage: number;
  /** CPU pressure at the end of the phase (`/proc/pressure/cpu` some avg10, %): how long runnable threads waited for a core. */
  cpuPressure: number | undefined;
}
