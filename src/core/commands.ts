import type { Static, TSchema } from '@sinclair/typebox';
import { AreaCreate, AreaDeleteArgs, AreaUpdateArgs } from './schemas/areas.ts';
import type { ProblemBody } from './errors.ts';

/**
 * The command catalog: every write of the API, by name. HTTP routes and WebSocket `command` frames
 * both resolve to an entry here, and the same worker handler runs it.
 */
export interface CommandSpec<S extends TSchema = TSchema> {
  /** Dotted name, `<resource>.<verb>`, as used in WebSocket frames. */
  readonly name: string;
  /** One line for docs. */
  readonly summary: string;
  /** Schema of the args; validated on the front thread before dispatch. */
  readonly args: S;
  /**
   * Key that picks the partition: all commands with one key run in order on one actor.
   * `undefined` means any partition will do (spread round-robin).
   */
  partitionKey(args: Static<S>): string | undefined;
}

function spec<S extends TSchema>(s: CommandSpec<S>): CommandSpec<S> {
  return s;
}

/** Partition key of everything that touches one area. */
export const areaKey = (id: number): string => `area:${id}`;

export const commands = {
  'areas.create': spec({
    name: 'areas.create',
    summary: 'Create an area; the id is assigned inside the write transaction.',
    args: AreaCreate,
    partitionKey: (a) => (a.external_ref === undefined ? undefined : `area-ref:${a.external_ref}`),
  }),
  'areas.update': spec({
    name: 'areas.update',
    summary: 'Apply a JSON merge patch (RFC 7396) to an area.',
    args: AreaUpdateArgs,
    partitionKey: (a) => areaKey(a.id),
  }),
  'areas.delete': spec({
    name: 'areas.delete',
    summary: 'Delete an area; its id is never reused.',
    args: AreaDeleteArgs,
    partitionKey: (a) => areaKey(a.id),
  }),
} as const;

export type CommandName = keyof typeof commands;
export type CommandArgs<N extends CommandName> = Static<(typeof commands)[N]['args']>;

/** True when `name` is in the catalog. */
export function isCommandName(name: string): name is CommandName {
  return Object.hasOwn(commands, name);
}

/** A change worth telling subscribers about, e.g. `{topic: 'areas', event: 'area.created', data: area}`. */
export interface DomainEvent {
  topic: string;
  event: string;
  data: unknown;
}

/** What the front thread sends to a partition actor. */
export interface CommandEnvelope {
  name: CommandName;
  args: unknown;
  /** Idempotency-Key of the request, if any (≤ 255 chars). */
  idempotencyKey?: string;
  /** Who sent it: scopes idempotency keys. `anon` until authentication exists. */
  principal: string;
}

/** What a partition actor answers once the write is durable (or refused). */
export type CommandOutcome =
  | { ok: true; value: unknown; events: DomainEvent[]; replayed?: boolean }
  | { ok: false; problem: ProblemBody; replayed?: boolean };
