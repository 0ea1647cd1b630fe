import type { DomainEvent } from '../../core/commands.ts';

/** What a command handler returns: the reply value and the events to publish after commit. */
export interface HandlerResult {
  value: unknown;
  events: DomainEvent[];
}

/** Who runs a command and what the front assigned it (see CommandEnvelope). */
export interface CommandContext {
  /** The authenticated sender's user id; undefined when anonymous or sent by the server itself. */
  caller: string | undefined;
  /** Id assigned before dispatch (UUIDv7) to a command that creates a resource; undefined otherwise. */
  newId: string | undefined;
  /** Booking deadlines of this server (BOOKING_HOLD_MS, BOOKING_TTL_MS). */
  rules: BookingRules;
}

/** How long bookings wait, ms (API.md, "Bookings"). */
export interface BookingRules {
  /** A PENDING booking expires this long after its creation (BOOKING_HOLD_MS, default 15 min). */
  holdMs: number;
  /** A CONFIRMED booking becomes NO_SHOW this long after confirmation, or at the offer's `valid_until` if earlier (BOOKING_TTL_MS, default 24 h). */
  ttlMs: number;
}
