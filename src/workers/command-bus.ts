import type { TSchema } from '@sinclair/typebox';
import { v7 as uuidv7 } from 'uuid';
import { checkAccess } from '../core/auth/access.ts';
import type { Caller } from '../core/auth/claims.ts';
import { commands, isCommandName, NO_LOOKUPS, type CommandLookups, type CommandEnvelope, type CommandSpec, type CommandName, type CommandOutcome, type DomainEvent } from '../core/commands.ts';
import { CommandBatcher } from './batcher.ts';
import { Problem, problems } from '../core/errors.ts';
import { bodyValidator, type Validator } from '../core/validate.ts';
import { QueueFullError, type Partitions } from './partitions.ts';

/** Who sends a command and how: the transport's part of a `CommandEnvelope`. */
export interface CommandMeta {
  /** Idempotency-Key of the request (≤ 255 chars), if any. */
  idempotencyKey?: string | undefined;
  /** Scope of idempotency keys: the authenticated user's id, or `anon:<client ip>`. */
  principal: string;
  /** The authenticated sender, checked against the command's `access`; undefined when anonymous. */
  caller?: Caller | undefined;
  /** True only for the server's own flows (the `/auth/*` routes): lets `access: 'server'` commands through. */
  fromServer?: boolean;
}

/** A successful command: its value, and whether it is the stored answer to an earlier try. */
export interface CommandReply {
  value: unknown;
  replayed: boolean;
}

const validators = new Map<string, Validator<unknown>>(
  Object.values(commands).map((c) => [c.name, bodyValidator(c.args, `args of ${c.name}`)]),
);

/**
 * The front thread's single way to run a command, shared by HTTP and WebSocket:
 * validate args against the catalog, route to the key's partition actor, wait for the durable
 * outcome, then publish its events (read cache, subscribers) in the same turn as the reply.
 */
export class CommandBus {
  private readonly listeners: ((e: DomainEvent) => void)[] = [];
  private inFlight = 0;
  private idleWaiters: (() => void)[] = [];

  private readonly batcher: CommandBatcher;

  /**
   * @param lookups immutable facts read from the store to route and pre-check commands (booking → offer, QR tokens).
   * @param maxBatch commands per actor task (see CommandBatcher).
   */
  constructor(private readonly partitions: Partitions, private readonly lookups: CommandLookups = NO_LOOKUPS, maxBatch = 256) {
    this.batcher = new CommandBatcher(partitions, maxBatch);
  }

  /** Registers a listener called synchronously for every event of every committed command. */
  onEvent(listener: (e: DomainEvent) => void): void {
    this.listeners.push(listener);
  }

  /** Commands dispatched and not yet answered. */
  get pending(): number {
    return this.inFlight;
  }

  /**
   * Runs command `name` with `args`.
   * @returns the value once it is durably committed (or the stored reply of an idempotent retry).
   * @throws Problem 400 unknown command or invalid args; 401/403 when `meta.caller` may not send it
   *   (core/auth/access.ts); the handler's 404/409/422;
   *   503 `overloaded` when the partition queue is full.
   */
  async execute(name: string, args: unknown, meta: CommandMeta): Promise<CommandReply> {
    if (!isCommandName(name))
      throw problems.invalid([{ path: '/name', message: `unknown command ${JSON.stringify(name)}` }], 'Unknown command.');
    const valid = (validators.get(name) as Validator<never>)(args);
    const spec = commands[name] as unknown as CommandSpec<TSchema>;
    checkAccess(spec.access, valid, meta.caller, meta.fromServer === true);
    const ids = { newId: spec.assignsId === true ? uuidv7() : undefined, caller: meta.caller?.id };
    spec.precheck?.(valid, this.lookups);
    const key = spec.partitionKey(valid, ids, this.lookups)
      ?? (meta.idempotencyKey === undefined ? undefined : `idem:${meta.principal}:${meta.idempotencyKey}`);
    const envelope: CommandEnvelope = { name: name as CommandName, args: valid, principal: meta.principal };
    if (meta.idempotencyKey !== undefined) envelope.idempotencyKey = meta.idempotencyKey;
    if (ids.caller !== undefined) envelope.caller = ids.caller;
    if (ids.newId !== undefined) envelope.newId = ids.newId;

    this.inFlight++;
    let outcome: CommandOutcome;
    try {
      outcome = await this.batcher.submit(this.partitions.pick(key), envelope);
    } catch (err) {
      if (err instanceof QueueFullError) throw problems.unavailable('overloaded', 'Too many commands queued; retry shortly.');
      throw err;
    } finally {
      if (--this.inFlight === 0) for (const w of this.idleWaiters.splice(0)) w();
    }
    if (!outcome.ok) throw Problem.fromJSON(outcome.problem);
    for (const e of outcome.events) for (const l of this.listeners) l(e);
    return { value: outcome.value, replayed: outcome.replayed === true };
  }

  /** Resolves once no command is in flight (used by graceful shutdown). */
  idle(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }
}
