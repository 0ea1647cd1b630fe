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
}
