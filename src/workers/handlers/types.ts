import type { DomainEvent } from '../../core/commands.ts';

/** What a command handler returns: the reply value and the events to publish after commit. */
export interface HandlerResult {
  value: unknown;
  events: DomainEvent[];
}
