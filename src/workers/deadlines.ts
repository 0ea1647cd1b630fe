import type { DomainEvent } from '../core/commands.ts';
import { Problem } from '../core/errors.ts';
import type { Logger } from '../log.ts';
import type { Store } from '../store/store.ts';
import type { CommandBus, CommandMeta } from './command-bus.ts';

/** Longest delay setTimeout accepts, ms (2^31 - 1); a later deadline re-arms on the way. */
const MAX_DELAY_MS = 2 ** 31 - 1;
/** Deadlines settled per round; a round dispatches them together, then looks again. */
const ROUND = 1000;
const SERVER: CommandMeta = { principal: 'server', fromServer: true };

/**
 * The booking deadlines (API.md, "Bookings": PENDING expires, CONFIRMED becomes NO_SHOW), kept in LMDB
 * (`booking_deadlines`, by time) rather than in memory: one timer for the earliest, re-armed after each
 * round and whenever a committed booking event brings an earlier one. Each due booking gets a
 * `bookings.expire` command on its offer's partition, which checks the state and the deadline inside its
 * transaction, so it races a confirm or a check-in correctly (whichever commits first wins). At start,
 * `expireDue` settles everything that fell due while the server was down, during the warm-up before it serves (app.ts).
 */
export class DeadlineTimer {
  private timer: NodeJS.Timeout | undefined;
  private armedAt = Infinity;
  /** Delay before retrying after a failed round, ms (0 after a good one). */
  private backoffMs = 0;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly store: Store, private readonly bus: CommandBus, private readonly log: Logger) {}

  /**
   * Settles every deadline at or before `now` (epoch ms), in rounds.
   * @returns how many bookings changed and how many expiries were refused (409/404: another command
   *   won the race, or the entry is stale); refused entries still due make the timer back off.
   * @throws the first unexpected failure of an expiry (not a 409/404), after logging it.
   */
  async expireDue(now: number): Promise<{ settled: number; refused: number }> {
    let settled = 0;
    let refused = 0;
    for (;;) {
      const due = [...this.store.bookingDeadlines.getKeys({ end: [now + 1], limit: ROUND })] as [number, string][];
      if (due.length === 0) return { settled, refused };
      const results = await Promise.allSettled(due.map(([, id]) => this.bus.execute('bookings.expire', { id }, SERVER)));
      const before = settled;
      for (const [i, r] of results.entries()) {
        if (r.status === 'fulfilled') settled++;
        // 409: a confirm, check-in or cancel committed first; 404: erased meanwhile. Anything else is logged and retried next round.
        else if (r.reason instanceof Problem && (r.reason.status === 409 || r.reason.status === 404)) refused++;
        else {
          this.log.error({ err: r.reason, booking: due[i]?.[1] }, 'booking expiry failed');
          throw r.reason;
        }
      }
      // A full round that settled nothing would only find the same refused entries again.
      if (due.length < ROUND || settled === before) return { settled, refused };
    }
  }

  /** Arms the timer on the earliest stored deadline (no-op once stopped). */
  arm(): void {
    if (this.stopped) return;
    const first = [...this.store.bookingDeadlines.getKeys({ limit: 1 })][0] as [number, string] | undefined;
    clearTimeout(this.timer);
    this.armedAt = first?.[0] ?? Infinity;
    if (first === undefined) return;
    this.timer = setTimeout(() => this.fire(), Math.min(MAX_DELAY_MS, Math.max(this.backoffMs, first[0] - Date.now())));
    this.timer.unref();
  }

  /** CommandBus listener: re-arms when a committed booking change brings a deadline earlier than the armed one. */
  onEvent(e: DomainEvent): void {
    if (!e.topic.startsWith('partners.bookings:')) return;
    const at = (e.data as { expires_at: string | null }).expires_at;
    if (at !== null && Date.parse(at) < this.armedAt && this.running === undefined) this.arm();
  }

  /** Stops the timer and waits for a round in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private fire(): void {
    this.running = this.expireDue(Date.now()).then(
      // Refused entries that stay due (a race lost by a few ms, a stale entry) are retried after a second, not at once.
      ({ refused }) => { this.backoffMs = refused > 0 ? 1000 : 0; },
      () => { this.backoffMs = Math.min(60_000, Math.max(1000, this.backoffMs * 2)); },
    ).finally(() => { this.running = undefined; this.arm(); });
  }
}
