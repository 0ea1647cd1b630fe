import { localClock, type LocalClock } from './zones.ts';

/** A recurring weekly window in local time: `start` included, `end` excluded; `end` ≤ `start` crosses midnight (API.md, Conventions). */
export interface ScheduleWindow {
  day: number;
  start: string;
  end: string;
}

/** Minutes since midnight of an `HH:MM` string (validated upstream by the schema). */
export const minutesOf = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/**
 * True when `clock` falls inside window `w`. A window that crosses midnight (`end` ≤ `start`) runs from
 * `start` on `w.day` to `end` on the next day; `start` = `end` is a full 24 h from `start`.
 */
export function inWindow(w: ScheduleWindow, clock: LocalClock): boolean {
  const start = minutesOf(w.start);
  const end = minutesOf(w.end);
  if (start < end) return clock.day === w.day && clock.minutes >= start && clock.minutes < end;
  return (clock.day === w.day && clock.minutes >= start) || (clock.day === (w.day + 1) % 7 && clock.minutes < end);
}

/** What decides whether an offer is active at an instant. Times are epoch ms. */
export interface Activity {
  is_active: boolean;
  validFromMs: number;
  validUntilMs: number;
  /** Empty: no recurring windows, active through its whole validity. */
  schedule: readonly ScheduleWindow[];
  /** IANA zone of the establishment, in which `schedule` is read. */
  timezone: string;
}

/**
 * True when an offer is active at `instantMs` (API.md, "Offers", `active_at`): `is_active`, inside
 * `valid_from` (included) .. `valid_until` (excluded) and, when it has a schedule, inside one of its
 * windows in the establishment's local time.
 */
export function isActiveAt(a: Activity, instantMs: number): boolean {
  if (!a.is_active || instantMs < a.validFromMs || instantMs >= a.validUntilMs) return false;
  if (a.schedule.length === 0) return true;
  const clock = localClock(instantMs, a.timezone);
  for (const w of a.schedule) if (inWindow(w, clock)) return true;
  return false;
}
