import { createHash, randomBytes } from 'node:crypto';
import { hashPassword, OWASP_SCRYPT } from '../../core/auth/password.ts';
import type { Caller } from '../../core/auth/claims.ts';
import { Problem } from '../../core/errors.ts';
import type { Store } from '../../store/store.ts';
import type { CommandBus, CommandMeta } from '../../workers/command-bus.ts';

/** Email of the account that owns every partner of the demo catalogue of `seed`. */
export const ownerEmail = (seed: number): string => `demo-owner+${seed}@sortie.dev`;

/**
 * The id of the demo owner of `seed`, registering the account (`users.register`, as the server's
 * register flow sends it) when it does not exist yet. Its password is random and thrown away: nobody
 * logs in as the demo owner; an admin can act on its partners.
 * @param scryptLog2N cost of the password hash (the server's SCRYPT_COST_LOG2).
 * @throws Problem from the bus, but a 409 `email-taken` of a concurrent run (then the account is read).
 */
export async function demoOwner(store: Store, bus: CommandBus, seed: number, scryptLog2N: number): Promise<string> {
  const email = ownerEmail(seed);
  const existing = store.usersByEmail.get(email);
  if (existing !== undefined) return existing;
  const args = {
    email,
    password_hash: await hashPassword(randomBytes(24).toString('base64url'), { ...OWASP_SCRYPT, log2N: scryptLog2N }),
    first_name: 'Démo',
    last_name: `Catalogue ${seed}`,
    refresh_hash: createHash('sha256').update(randomBytes(32)).digest('hex'),
  };
  try {
    const { value } = await bus.execute('users.register', args, { principal: 'seed', fromServer: true });
    return (value as { user: { id: string } }).user.id;
  } catch (err) {
    const raced = store.usersByEmail.get(email);
    if (err instanceof Problem && err.status === 409 && raced !== undefined) return raced;
    throw err;
  }
}

/** What the demo owner's commands carry: its id as principal and as the authenticated caller. */
export function ownerMeta(ownerId: string): CommandMeta {
  const caller: Caller = { id: ownerId, role: 'user' };
  return { principal: ownerId, caller };
}
