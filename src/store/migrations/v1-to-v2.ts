import type { Store } from '../store.ts';
import type { Migration } from './migration.ts';

/**
 * Layout 1 (issue 4: areas and accounts, 10 dbs) to layout 2 (the catalogue and bookings).
 *
 * - The catalogue and booking dbs (`partners` … `booking_slots`, see store.ts) are new and start
 *   empty: `openStore` creates them; nothing in layout 1 derives entries for them.
 * - Accounts: layout 1 allowed the role `partner` on a stored account; layout 2 knows only `user`
 *   and `admin` (rights over a partner come from `members`/`memberships`). Such accounts become
 *   `user` (layout 1 had no partners, so they had no rights to keep). `admin` then came from the
 *   `ADMIN_EMAILS` setting and was never stored: grant it again with `PUT /admin/users/{id}/role`.
 */
export const v1ToV2: Migration = {
  from: 1,
  summary: 'catalogue and booking dbs created; stored role `partner` becomes `user`',
  run(store: Store): number {
    let touched = 0;
    for (const { key, value } of store.users.getRange()) {
      if ((value.role as string) !== 'partner') continue;
      store.users.put(key, { ...value, role: 'user' });
      touched++;
    }
    return touched;
  },
};
