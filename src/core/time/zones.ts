import tzLookup from '@photostructure/tz-lookup';

const known = new Map<string, boolean>();

/**
 * True when `name` is an IANA time zone this runtime knows (e.g. `Europe/Paris`), as `Intl` accepts it.
 * Answers are memoised: the set of zones is fixed for the life of the process.
 */
export function isTimeZone(name: string): boolean {
  let ok = known.get(name);
  if (ok !== undefined) return ok;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    ok = name.length > 0 && name.length <= 64;
  } catch {
    ok = false;
  }
  if (known.size < 10_000) known.set(name, ok);
  return ok;
}

/** The IANA zone of a point (lat/lng in degrees, WGS 84), from the @photostructure/tz-lookup boundary data. */
export function zoneAt(lat: number, lng: number): string {
  return tzLookup(lat, lng);
}

/** Wall-clock position of an instant in a zone: day of the week (0 = Sunday) and minutes since local midnight. */
export interface LocalClock {
  day: number;
  minutes: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const DAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };
/** Last computed clock per zone, for the minute it was computed: most searches ask about "now". */
const lastClock = new Map<string, { minute: number; clock: LocalClock }>();

/**
 * Local day and time of `instantMs` in `zone`, through `Intl` (so DST and historical offsets come from
 * the runtime's tz database, not hand-written offsets). A wall time skipped by a DST jump never occurs,
 * a repeated one occurs twice: both as the tz database says.
 */
export function localClock(instantMs: number, zone: string): LocalClock {
  const minute = Math.floor(instantMs / 60_000);
  const memo = lastClock.get(zone);
  if (memo !== undefined && memo.minute === minute) return memo.clock;
  let f = formatters.get(zone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: zone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formatters.set(zone, f);
  }
  let day = 0;
  let hour = 0;
  let min = 0;
  for (const p of f.formatToParts(minute * 60_000)) {
    if (p.type === 'weekday') day = DAYS[p.value] ?? 0;
    else if (p.type === 'hour') hour = Number(p.value);
    else if (p.type === 'minute') min = Number(p.value);
  }
  const clock = { day, minutes: hour * 60 + min };
  lastClock.set(zone, { minute, clock });
  return clock;
}
