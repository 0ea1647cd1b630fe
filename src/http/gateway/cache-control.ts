/**
 * How long a shared cache may serve an answer without asking the upstream again, ms (RFC 9111):
 * 0 when it must not be stored: a status other than 200, `Vary: *` (§4.1), `no-store`,
 * `private` or `no-cache` (§5.2.2; we do not revalidate), or a lifetime of 0. Otherwise `s-maxage`
 * or else `max-age` (seconds, §4.2.1), never longer than `ttlMs`; `ttlMs` when neither is given.
 * @param cacheControl the response's `Cache-Control` ('' when absent).
 * @param vary the response's `Vary` ('' when absent).
 * @param ttlMs the configured lifetime, ms.
 */
export function freshnessMs(status: number, cacheControl: string, vary: string, ttlMs: number): number {
  if (status !== 200 || vary.trim() === '*') return 0;
  let maxAge: number | undefined;
  let sMaxAge: number | undefined;
  for (const part of cacheControl.split(',')) {
    const eq = part.indexOf('=');
    const name = (eq < 0 ? part : part.slice(0, eq)).trim().toLowerCase();
    if (name === 'no-store' || name === 'private' || name === 'no-cache') return 0;
    if (name !== 'max-age' && name !== 's-maxage') continue;
    const seconds = Number(part.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1'));
    if (eq < 0 || !Number.isInteger(seconds) || seconds < 0) return 0; // invalid: treat as stale (§4.2.1)
    if (name === 'max-age') maxAge = seconds;
    else sMaxAge = seconds;
  }
  const seconds = sMaxAge ?? maxAge;
  return seconds === undefined ? ttlMs : Math.min(ttlMs, seconds * 1000);
}

/** The field names of a `Vary` header, lower-case, in order. */
export function varyNames(vary: string): string[] {
  return vary.split(',').map((v) => v.trim().toLowerCase()).filter((v) => v !== '');
}
