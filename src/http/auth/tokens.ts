import { randomUUID } from 'node:crypto';
import { errors, jwtVerify, SignJWT, type JWTVerifyGetKey } from 'jose';
import { LRUCache } from 'lru-cache';
import { TOKEN_RULES, type AccessClaims, type Caller } from '../../core/auth/claims.ts';
import { problems } from '../../core/errors.ts';
import { Role } from '../../core/schemas/users.ts';
import type { KeyRing } from './keys.ts';

/** A verified access token: who it names and until when (epoch seconds). */
export interface VerifiedToken {
  caller: Caller;
  exp: number;
}

/** A cache entry: the whole token, compared on every hit (the key is only its signature). */
interface Cached extends VerifiedToken {
  token: string;
  /** Epoch ms after which the token is verified again: its `exp` (+ clock tolerance), at most one access-token lifetime after it was verified. */
  until: number;
}

/** Verified tokens remembered, at most (~300 bytes each). */
const CACHE_MAX = 50_000;
/** `typ` header of access tokens (RFC 9068): a token of another kind is refused. */
const TYP = 'at+jwt';
const ROLES = new Set<string>(Role.anyOf.map((r) => r.const));
/** The last segment of a compact JWS (its signature); the whole string when it has no dot. */
const signatureOf = (token: string) => token.slice(token.lastIndexOf('.') + 1);

/**
 * Issues and verifies access tokens (JWT, RFC 7519) with jose.
 *
 * Verification pins the algorithms of the key ring, resolves the key by `kid` (and refuses a `kid`
 * used with another algorithm), requires `typ: at+jwt`, `iss`, `aud`, `sub`, `role`, `iat`, `exp`,
 * `jti`, and accepts TOKEN_RULES.clockToleranceS of clock skew. `alg: none` never verifies.
 *
 * jose costs ~67 µs per HS256 verification here (DEPENDENCY-NOTES), so a verified token is kept in
 * an LRU (CACHE_MAX) until its `exp`, for at most one access-token lifetime (TOKEN_RULES.accessTtlS:
 * a token we did not issue may carry any `exp`): an authenticated request then costs one map lookup. The map is
 * keyed by the token's signature (43 characters for HS256, against ~330 for the whole token: hashing
 * the key is most of a lookup) and a hit counts only when the whole token is equal.
 */
export class TokenService {
  private readonly cache = new LRUCache<string, Cached>({ max: CACHE_MAX });
  private readonly algorithms: string[];
  private readonly getKey: JWTVerifyGetKey;

  constructor(private readonly keys: KeyRing) {
    this.algorithms = [...new Set([...keys.verifiers.values()].map((k) => k.alg))];
    this.getKey = (header) => {
      const k = header.kid === undefined ? undefined : keys.verifiers.get(header.kid);
      if (k === undefined || k.alg !== header.alg) throw new errors.JWKSNoMatchingKey('no key with this kid and alg');
      return k.key;
    };
  }

  /**
   * Signs an access token for `caller`, valid TOKEN_RULES.accessTtlS from `nowMs`, and remembers it
   * as verified (it is ours), so its first use costs no jose verification.
   */
  async issue(caller: Caller, nowMs = Date.now()): Promise<string> {
    const iat = Math.floor(nowMs / 1000);
    const exp = iat + TOKEN_RULES.accessTtlS;
    const { alg, kid, key } = this.keys.signer;
    const token = await new SignJWT({ role: caller.role })
      .setProtectedHeader({ alg, kid, typ: TYP })
      .setSubject(caller.id)
      .setIssuer(TOKEN_RULES.issuer)
      .setAudience(TOKEN_RULES.audience)
      .setIssuedAt(iat)
      .setExpirationTime(exp)
      .setJti(randomUUID())
      .sign(key);
    this.remember(token, { caller: { id: caller.id, role: caller.role }, exp }, nowMs);
    return token;
  }

  /**
   * The token as verified before (issued here, or passed `verify`), while it has not expired and
   * was verified less than one access-token lifetime ago; undefined when it is not known (or no
   * longer): then call `verify`.
   * @throws Problem 401 `invalid-token` when it is known and has expired.
   */
  cached(token: string, nowMs = Date.now()): VerifiedToken | undefined {
    const key = signatureOf(token);
    const hit = this.cache.get(key);
    if (hit === undefined || hit.token !== token) return undefined;
    if (hit.until > nowMs) return hit;
    this.cache.delete(key);
    if ((hit.exp + TOKEN_RULES.clockToleranceS) * 1000 > nowMs) return undefined;
    throw problems.invalidToken('The access token has expired.');
  }

  private remember(token: string, v: VerifiedToken, nowMs = Date.now()): void {
    const until = (Math.min(v.exp, nowMs / 1000 + TOKEN_RULES.accessTtlS) + TOKEN_RULES.clockToleranceS) * 1000;
    this.cache.set(signatureOf(token), { ...v, token, until });
  }

  /**
   * Verifies an access token with jose and remembers it until it expires.
   * @throws Problem 401 `invalid-token` (as the rejection) for a malformed, forged, expired,
   *   wrong-issuer/audience/type token or one signed with an unknown key or algorithm.
   */
  async verify(token: string): Promise<VerifiedToken> {
    let claims: Partial<AccessClaims>;
    try {
      ({ payload: claims } = await jwtVerify<Partial<AccessClaims>>(token, this.getKey, {
        algorithms: this.algorithms, issuer: TOKEN_RULES.issuer, audience: TOKEN_RULES.audience, typ: TYP,
        clockTolerance: TOKEN_RULES.clockToleranceS, requiredClaims: ['sub', 'role', 'iat', 'exp', 'jti'],
      }));
    } catch (err) {
      if (err instanceof errors.JOSEError) throw problems.invalidToken(`The access token was refused: ${err.message}.`);
      throw err;
    }
    const { sub, role, exp } = claims;
    if (typeof sub !== 'string' || typeof role !== 'string' || !ROLES.has(role) || typeof exp !== 'number')
      throw problems.invalidToken('The access token does not name a user and a role.');
    // jose accepts any number, and JSON reads `1e400` as Infinity (RFC 7519 §2: NumericDate is finite).
    if (!Number.isFinite(exp)) throw problems.invalidToken('The access token\'s exp is not a finite time.');
    const verified: VerifiedToken = { caller: { id: sub, role: role as Caller['role'] }, exp };
    this.remember(token, verified);
    return verified;
  }
}
