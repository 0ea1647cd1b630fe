import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * Password hashing with scrypt (RFC 7914), stored as a PHC string with its parameters, e.g.
 * `$scrypt$ln=17,r=8,p=1$<salt>$<hash>` (salt and hash: base64 without padding), so the cost can be
 * raised later without breaking existing hashes. Passwords are NFKC-normalised first
 * (NIST SP 800-63B, section 5.1.1.2), so one password typed on two keyboards hashes the same.
 */

/** scrypt cost: N = 2^log2N (CPU/memory), r (block size), p (parallelism). */
export interface ScryptParams {
  log2N: number;
  r: number;
  p: number;
}

/** OWASP Password Storage Cheat Sheet recommendation: N=2^17, r=8, p=1 (~128 MiB, ~0.3 s here). */
export const OWASP_SCRYPT: ScryptParams = { log2N: 17, r: 8, p: 1 };

const SALT_BYTES = 16;
const KEY_BYTES = 32;
const PHC = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;

/** Node refuses scrypt above `maxmem` (default 32 MiB); it needs 128·N·r bytes plus 128·r·p. */
function maxmem({ log2N, r, p }: ScryptParams): number {
  return Math.max(256 * 1024 ** 2, 2 * 128 * r * (2 ** log2N + p));
}

function derive(password: string, salt: Buffer, keylen: number, params: ScryptParams): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFKC'), salt, keylen, { N: 2 ** params.log2N, r: params.r, p: params.p, maxmem: maxmem(params) },
      (err, key) => (err === null ? resolve(key) : reject(err)));
  });
}

const b64 = (b: Buffer) => b.toString('base64').replace(/=+$/, '');

/**
 * Hashes `password` with a fresh random salt, on the libuv thread pool (never blocks the caller's loop).
 * @returns the PHC string to store.
 */
export async function hashPassword(password: string, params: ScryptParams): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, KEY_BYTES, params);
  return `$scrypt$ln=${params.log2N},r=${params.r},p=${params.p}$${b64(salt)}$${b64(key)}`;
}

/**
 * Checks `password` against a PHC string made by `hashPassword`, with the parameters stored in it,
 * comparing in constant time.
 * @throws Error when `phc` is not a sortie scrypt hash (a corrupt record: a server fault).
 */
export async function verifyPassword(password: string, phc: string): Promise<boolean> {
  const { params, salt, hash } = parsePhc(phc);
  const key = await derive(password, salt, hash.length, params);
  return timingSafeEqual(key, hash);
}

/**
 * True when `phc` was made at a lower cost than `current` (a smaller N; or another r or p): the next
 * successful login should hash the password again at `current` (README, "Accounts, tokens and rate limits").
 * A hash made at a higher cost is kept: lowering SCRYPT_COST_LOG2 never weakens stored hashes.
 * @throws Error when `phc` is not a sortie scrypt hash.
 */
export function needsRehash(phc: string, current: ScryptParams): boolean {
  const { params } = parsePhc(phc);
  return params.log2N < current.log2N || params.r !== current.r || params.p !== current.p;
}

/** The parameters, salt and hash of a PHC string made by `hashPassword`. @throws Error on anything else. */
function parsePhc(phc: string): { params: ScryptParams; salt: Buffer; hash: Buffer } {
  const m = PHC.exec(phc);
  if (m === null) throw new Error('not a sortie scrypt password hash');
  return {
    params: { log2N: Number(m[1]), r: Number(m[2]), p: Number(m[3]) },
    salt: Buffer.from(m[4] as string, 'base64'), hash: Buffer.from(m[5] as string, 'base64'),
  };
}

/** The algorithm and parameters of a stored hash, e.g. `scrypt ln=17,r=8,p=1` (for the GDPR export). */
export function hashAlgorithm(phc: string): string {
  const [, alg = '', params = ''] = phc.split('$');
  return `${alg} ${params}`;
}
