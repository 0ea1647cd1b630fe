import { problems } from '../../core/errors.ts';
import { ipKey } from './client-ip.ts';
import type { FixedWindowLimiter } from './ratelimit.ts';

/**
 * The three windows of login attempts (15 min each), from the narrowest to the broadest:
 * - `pair`: per (email, client IP) — LOGIN_FAILURES_PER_ACCOUNT: one address guessing one account;
 * - `ip`: per client IP (IPv6 per /64) — LOGIN_FAILURES_PER_IP: one address guessing many accounts;
 * - `email`: per email across all addresses — LOGIN_FAILURES_PER_EMAIL: distributed guessing of one account.
 */
export interface LoginLimits {
  pair: FixedWindowLimiter;
  ip: FixedWindowLimiter;
  email: FixedWindowLimiter;
}

/**
 * Throttles `POST /auth/login` (OWASP Authentication Cheat Sheet, "Login Throttling") so that an
 * attacker at one address cannot lock a user out: its failures fill only its own (email, IP) and IP
 * windows, and the user logging in from another address is refused only once the per-email ceiling
 * (meant to be well above the per-pair limit) is reached by guesses from many addresses.
 */
export class LoginThrottle {
  constructor(private readonly limits: LoginLimits) {}

  /**
   * Counts one attempt of `email` from client address `ip` at `now` (epoch ms), before its password is
   * checked (so parallel guesses are counted too). The windows are counted per IP, then per (email, IP),
   * then per email, and counting stops at the first one over its limit: attempts refused for their address never reach the email's
   * ceiling, so one address cannot spend it.
   * @throws Problem 429 `rate-limited` with the seconds until that window ends (`Retry-After`).
   */
  attempt(email: string, ip: string, now: number): void {
    const { pair, ip: perIp, email: perEmail } = this.limits;
    const ipk = ipKey(ip);
    for (const [limiter, key] of [[perIp, ipk], [pair, pairKey(email, ipk)], [perEmail, email]] as const) {
      const s = limiter.hit(key, now);
      if (s.exceeded) throw problems.tooManyRequests(s.resetS, `Too many login attempts; retry in ${s.resetS} s.`);
    }
  }

  /**
   * A counted attempt turned out right: clears the (email, IP) failures and takes the attempt back from
   * the IP's and the email's windows (their other failures stay counted).
   */
  succeeded(email: string, ip: string): void {
    const ipk = ipKey(ip);
    this.limits.pair.reset(pairKey(email, ipk));
    this.limits.ip.undo(ipk);
    this.limits.email.undo(email);
  }
}

/** Key of an (email, client address) pair; NUL never occurs in an email or an address. */
const pairKey = (email: string, ipk: string) => `${email}\u0000${ipk}`;
