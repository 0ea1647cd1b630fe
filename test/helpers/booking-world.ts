import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BOOKING_DEFAULTS } from '../../src/core/schemas/bookings.ts';
import type { Quota } from '../../src/core/schemas/offers.ts';
import { openStore, type Store } from '../../src/store/store.ts';
import { createEstablishment } from '../../src/workers/handlers/establishments.ts';
import { createOffer } from '../../src/workers/handlers/offers.ts';
import { createPartner } from '../../src/workers/handlers/partners.ts';
import type { CommandContext } from '../../src/workers/handlers/types.ts';

/** The partner's owner in a BookingWorld. */
export const OWNER = '01900000-0000-7000-8000-00000000000a';
/** Accounts that book, `USERS[i]`. */
export const USERS = Array.from({ length: 4 }, (_, i) => `01900000-0000-7000-8000-0000000001${i.toString(16).padStart(2, '0')}`);
const T0 = Date.parse('2026-06-01T12:00:00Z');
let seq = 0x1000;
/** A fresh UUIDv7-shaped id. */
export const nextId = () => `01900000-0000-7000-8000-${(seq++).toString(16).padStart(12, '0')}`;

/** A store holding one partner, one establishment and accounts, for driving booking handlers directly. */
export interface BookingWorld {
  store: Store;
  /** Its DATA_DIR (the store is `<dataDir>/sortie.mdb`). */
  dataDir: string;
  /** The command context of `caller` (with a fresh id for creations). */
  ctx(caller: string): CommandContext;
  /** Adds an offer valid for a year from T0. */
  offer(quota: Quota | undefined, requiresApproval: boolean): string;
  /** Epoch ms of the world's start. */
  t0: number;
  close(): Promise<void>;
}

/** Opens a temp store and writes the accounts, the partner and its establishment with the real handlers. */
export function bookingWorld(): BookingWorld {
  const dir = mkdtempSync(join(tmpdir(), 'sortie-bookings-'));
  const store = openStore(dir);
  const ctx = (caller: string): CommandContext => ({ caller, newId: nextId(), rules: BOOKING_DEFAULTS });
  const partner = nextId();
  const est = nextId();
  store.env.transactionSync(() => {
    for (const id of [OWNER, ...USERS])
      store.users.put(id, { id, email: `${id}@x.org`, first_name: 'A', last_name: 'B', phone: null, role: 'user', identity_status: 'unverified', created_at: '', updated_at: '', password_hash: '' });
    createPartner(store, { name: 'P', category: 'BAR' }, T0, { ...ctx(OWNER), newId: partner });
    createEstablishment(store, { partner_id: partner, name: 'E', address: { street: 's', city: 'c', postal_code: '1', country: 'FR' }, location: { lat: 48.85, lng: 2.35 } },
      T0, { ...ctx(OWNER), newId: est });
  });
  return {
    store, dataDir: dir, ctx, t0: T0,
    offer(quota, requiresApproval) {
      const c = ctx(OWNER);
      store.env.transactionSync(() => {
        createOffer(store, { establishment_id: est, title: 'O', category: 'BAR', discount: { kind: 'fixed', value: 1 }, requires_approval: requiresApproval,
          valid_from: new Date(T0 - 1000).toISOString(), valid_until: new Date(T0 + 365 * 86_400_000).toISOString(), ...(quota === undefined ? {} : { quota }) }, T0, c);
      });
      return c.newId as string;
    },
    async close() {
      await store.env.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
