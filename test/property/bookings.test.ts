/**
 * Property test (fast-check) of the booking state machine: random interleavings of create, confirm,
 * check-in, cancel, expire and no-show on one offer, run through the real handlers (each command in its
 * child transaction, as the actors run them), compared after every step with a brute-force model:
 * slots held = bookings in slot-holding states, never above the quota nor the per-user limit; every
 * transition is one the contract allows, everything else is 409 `invalid-state`.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import fc from 'fast-check';
import type { CommandEnvelope, CommandName } from '../../src/core/commands.ts';
import { BOOKING_DEFAULTS, type BookingRecord, type BookingStatus } from '../../src/core/schemas/bookings.ts';
import { executeCommand } from '../../src/workers/execute.ts';
import { handlers, type Handler } from '../../src/workers/handlers/index.ts';
import { bookingWorld, nextId, OWNER, USERS } from '../helpers/booking-world.ts';

const world = bookingWorld();
/** The slot-holding states of API.md ("Bookings"), written out independently of the code. */
const HOLDS: ReadonlySet<string> = new Set(['PENDING', 'CONFIRMED', 'CHECKED_IN', 'NO_SHOW']);
after(() => world.close());

type Op =
  | { kind: 'create'; user: number }
  | { kind: 'confirm' | 'check_in' | 'cancel' | 'expire'; pick: number; late: boolean };

const arbOp: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('create' as const), user: fc.nat(USERS.length - 1) }), weight: 3 },
  fc.record({ kind: fc.constantFrom('confirm' as const, 'check_in' as const, 'cancel' as const, 'expire' as const), pick: fc.nat(), late: fc.boolean() }),
);

/**
 * What the contract says a command does to a booking in `from` (undefined: 409 invalid-state), written
 * out from API.md independently of the code's TRANSITIONS table.
 */
function expected(kind: Op['kind'], from: BookingStatus, late: boolean): BookingStatus | undefined {
  switch (kind) {
    case 'confirm': return from === 'PENDING' ? 'CONFIRMED' : undefined;
    case 'check_in': return from === 'CONFIRMED' ? 'CHECKED_IN' : undefined;
    case 'cancel': return from === 'PENDING' || from === 'CONFIRMED' ? 'CANCELLED' : undefined;
    case 'expire': return !late ? undefined : from === 'PENDING' ? 'EXPIRED' : from === 'CONFIRMED' ? 'NO_SHOW' : undefined;
    default: return undefined;
  }
}

test('no interleaving overbooks, and every transition is one the contract allows', async () => {
  await fc.assert(fc.asyncProperty(
    fc.record({ total: fc.integer({ min: 1, max: 6 }), perUser: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }), approval: fc.boolean() }),
    fc.array(arbOp, { minLength: 1, maxLength: 40 }),
    async ({ total, perUser: asked, approval }, ops) => {
      const perUser = asked === undefined ? undefined : Math.min(asked, total);
      const offer = world.offer(perUser === undefined ? { total } : { total, per_user: perUser }, approval);
      const model = new Map<string, { user: string; status: BookingStatus }>();
      const order: string[] = [];
      const { store } = world;
      await store.env.transaction(() => {
        let now = world.t0;
        const run = (name: CommandName, args: unknown, caller: string) => {
          const cmd: CommandEnvelope = { name, args, principal: caller, caller, newId: nextId() };
          return executeCommand(store, handlers[name] as Handler<never>, cmd, now, BOOKING_DEFAULTS, (_c, err) => { throw err; });
        };
        for (const op of ops) {
          if (op.kind === 'create') {
            const user = USERS[op.user] as string;
            const held = [...model.values()].filter((b) => HOLDS.has(b.status));
            const mine = held.filter((b) => b.user === user).length;
            const out = run('bookings.create', { offer_id: offer }, user);
            if (held.length >= total) assert.ok(!out.ok && out.problem.type.endsWith('/quota-exhausted'), JSON.stringify(out));
            else if (perUser !== undefined && mine >= perUser) assert.ok(!out.ok && out.problem.type.endsWith('/per-user-limit'), JSON.stringify(out));
            else {
              assert.ok(out.ok, JSON.stringify(out));
              const b = out.value as BookingRecord;
              assert.equal(b.status, approval ? 'PENDING' : 'CONFIRMED');
              model.set(b.id, { user, status: b.status });
              order.push(b.id);
            }
          } else {
            const id = order[op.pick % Math.max(1, order.length)];
            if (id === undefined) continue;
            const m = model.get(id) as { user: string; status: BookingStatus };
            const deadline = store.bookings.get(id)?.expires_at ?? null;
            if (op.kind === 'expire' && op.late && deadline !== null) now = Math.max(now, Date.parse(deadline));
            const late = deadline !== null && Date.parse(deadline) <= now;
            const name = `bookings.${op.kind}` as CommandName;
            const args = op.kind === 'check_in' ? { id, qr_code: 'verified on the front' } : { id };
            const out = run(name, args, op.kind === 'cancel' && op.late ? m.user : OWNER);
            const to = expected(op.kind, m.status, late);
            if (to === undefined) assert.ok(!out.ok && out.problem.status === 409 && out.problem.type.endsWith('/invalid-state'), `${op.kind} from ${m.status}: ${JSON.stringify(out)}`);
            else {
              assert.ok(out.ok, `${op.kind} from ${m.status}: ${JSON.stringify(out)}`);
              assert.equal((out.value as BookingRecord).status, to);
              m.status = to;
            }
          }
          // Invariants after every step, read inside the same transaction.
          const stored = order.map((id) => store.bookings.get(id) as BookingRecord);
          assert.deepEqual(stored.map((b) => b.status), order.map((id) => model.get(id)?.status));
          const holding = stored.filter((b) => HOLDS.has(b.status));
          assert.equal(store.offers.get(offer)?.taken, holding.length, 'the quota counter is the number of slot-holding bookings');
          assert.ok(holding.length <= total, 'never overbooked');
          for (const user of USERS) {
            const mine = holding.filter((b) => b.user_id === user).length;
            assert.equal(store.bookingSlots.get([offer, user]) ?? 0, mine, 'per-user count');
            if (perUser !== undefined) assert.ok(mine <= perUser);
          }
          for (const b of stored) assert.equal(store.bookingDeadlines.doesExist([Date.parse(b.expires_at ?? '0'), b.id]), b.expires_at !== null, 'a deadline exactly while unsettled');
        }
      });
    },
  ), { numRuns: 150 });
});
