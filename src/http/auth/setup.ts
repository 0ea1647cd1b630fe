import type { Config } from '../../config.ts';
import { OWASP_SCRYPT } from '../../core/auth/password.ts';
import type { Logger } from '../../log.ts';
import { LRUCache } from 'lru-cache';
import type { Role } from '../../core/schemas/users.ts';
import type { Store } from '../../store/store.ts';
import type { CommandBus } from '../../workers/command-bus.ts';
import { Accounts } from './accounts.ts';
import { clientIpResolver } from './client-ip.ts';
import { Gate } from './gate.ts';
import { loadKeyRing } from './keys.ts';
import { LoginThrottle } from './login-throttle.ts';
import { Passwords } from './passwords.ts';
import { FixedWindowLimiter } from './ratelimit.ts';
import { TokenService } from './tokens.ts';

/** The public front's authentication: the gate every request passes, and the account flows. */
export interface Auth {
  gate: Gate;
  accounts: Accounts;
  /** Every limiter by scope (`anon`, `user`, `login_pair`, `login_ip`, `login_email`), for metrics. */
  limiters: Record<string, FixedWindowLimiter>;
  /**
   * Resolves once the password hasher's dummy hash exists (~0.3 s of scrypt on the libuv pool at the
   * OWASP cost): await it before serving logins, so the first one is not slower.
   */
  ready: Promise<void>;
}

const MINUTE_MS = 60_000;
/** Window of the failed-login counters. */
const LOGIN_WINDOW_MS = 15 * MINUTE_MS;
/** Keys per limiter (~150 bytes each): past this, the least recently seen key is forgotten. */
const MAX_KEYS = 100_000;

/**
 * Builds authentication from the configuration: the key ring (generating a development secret when
 * needed), the token service, the password hasher (its dummy hash is made meanwhile: `ready`) and
 * the request and login limits.
 * @throws ConfigError on an unreadable key or a bad TRUST_PROXY entry.
 */
export async function startAuth(c: Config, store: Store, bus: CommandBus, log: Logger): Promise<Auth> {
  const tokens = new TokenService(await loadKeyRing(c, log));
  const passwords = new Passwords({ ...OWASP_SCRYPT, log2N: c.SCRYPT_COST_LOG2 });
  const requests = c.RATE_LIMIT === 'off' ? undefined : {
    anon: new FixedWindowLimiter(c.RATE_LIMIT_ANON, MINUTE_MS, MAX_KEYS),
    user: new FixedWindowLimiter(c.RATE_LIMIT_USER, MINUTE_MS, MAX_KEYS),
  };
  const logins = {
    pair: new FixedWindowLimiter(c.LOGIN_FAILURES_PER_ACCOUNT, LOGIN_WINDOW_MS, MAX_KEYS),
    ip: new FixedWindowLimiter(c.LOGIN_FAILURES_PER_IP, LOGIN_WINDOW_MS, MAX_KEYS),
    email: new FixedWindowLimiter(c.LOGIN_FAILURES_PER_EMAIL, LOGIN_WINDOW_MS, MAX_KEYS),
  };
  // The stored role of each account seen (undefined: deleted), refreshed by the events of the commands that change it.
  const roles = new LRUCache<string, Role | 'deleted'>({ max: MAX_KEYS });
  const roleOf = (id: string): Role | undefined => {
    let r = roles.get(id);
    if (r === undefined) roles.set(id, (r = store.users.get(id)?.role ?? 'deleted'));
    return r === 'deleted' ? undefined : r;
  };
  bus.onEvent((e) => { if (e.topic === 'users') roles.delete((e.data as { id: string }).id); });
  const gate = new Gate({
    tokens,
    accountRole: roleOf,
    clientIp: clientIpResolver(c.TRUST_PROXY),
    limits: requests,
  });
  const accounts = new Accounts({ store, bus, tokens, passwords, logins: new LoginThrottle(logins), log });
  return { gate, accounts, limiters: { ...requests, login_pair: logins.pair, login_ip: logins.ip, login_email: logins.email }, ready: passwords.ready() };
}
