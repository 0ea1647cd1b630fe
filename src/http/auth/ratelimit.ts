import { LRUCache } from 'lru-cache';

/** Where a key stands in its current window, after counting a request. */
export interface RateState {
  limit: number;
  /** Requests left in the window (0 when over). */
  remaining: number;
  /** Seconds until the window ends. */
  resetS: number;
  /** True when this request went over the limit. */
  exceeded: boolean;
}

interface Window {
  count: number;
  /** Epoch ms at which the window ends. */
  endsAt: number;
}

/**
 * Fixed-window request counters per key (e.g. an IP or a user id): at most `limit` per `windowMs`.
 * Keys live in an LRU of at most `maxKeys` entries, so a flood of distinct keys (spoofed IPs) cannot
 * exhaust memory: the least recently seen key is forgotten, and its count starts again.
 */
export class FixedWindowLimiter {
  private readonly windows: LRUCache<string, Window>;
  /** Hits refused (over the limit) since start, for metrics. */
  rejections = 0;

  constructor(readonly limit: number, readonly windowMs: number, maxKeys: number) {
    this.windows = new LRUCache<string, Window>({ max: maxKeys });
  }

  /** Counts one request of `key` at `now` (epoch ms). */
  hit(key: string, now: number): RateState {
    const w = this.current(key, now) ?? { count: 0, endsAt: now + this.windowMs };
    w.count++;
    this.windows.set(key, w);
    const state = this.state(w, now);
    if (state.exceeded) this.rejections++;
    return state;
  }

  /** Takes back one request of `key` counted by `hit` (e.g. a login that turned out right). */
  undo(key: string): void {
    const w = this.windows.get(key);
    if (w !== undefined && w.count > 0) w.count--;
  }

  /** Forgets `key` (e.g. a successful login clears its failures). */
  reset(key: string): void {
    this.windows.delete(key);
  }

  private current(key: string, now: number): Window | undefined {
    const w = this.windows.get(key);
    return w !== undefined && w.endsAt > now ? w : undefined;
  }

  private state(w: Window, now: number): RateState {
    return { limit: this.limit, remaining: Math.max(0, this.limit - w.count), resetS: Math.ceil((w.endsAt - now) / 1000), exceeded: w.count > this.limit };
  }
}

/** The `RateLimit-*` response headers of a state (API.md, Conventions). */
export function rateHeaders(s: RateState): Record<string, string> {
  return { 'RateLimit-Limit': String(s.limit), 'RateLimit-Remaining': String(s.remaining), 'RateLimit-Reset': String(s.resetS) };
}
