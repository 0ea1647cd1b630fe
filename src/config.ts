import { isIP } from 'node:net';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

const Port = (d: number, description: string) => Type.Integer({ minimum: 0, maximum: 65535, default: d, description });

/** Environment variables read at start; every one has a default. */
export const ConfigSchema = Type.Object({
  PORT: Port(8080, 'Public HTTP/WebSocket port (0 = ephemeral).'),
  HOST: Type.String({ minLength: 1, default: '0.0.0.0', description: 'Public listen address.' }),
  DATA_DIR: Type.String({ minLength: 1, default: './data', description: 'LMDB directory.' }),
  PARTITIONS: Type.Integer({ minimum: 1, maximum: 256, default: availableParallelism(), description: 'Partition actors (threads); default = CPU count.' }),
  CACHE_MAX: Type.Integer({ minimum: 1, maximum: 100_000_000, default: 200_000, description: 'Entries in the LRU read cache.' }),
  BODY_LIMIT: Type.Integer({ minimum: 1024, maximum: 64 * 1024 * 1024, default: 1024 * 1024, description: 'Largest request body or WebSocket frame, bytes.' }),
  LOG_LEVEL: Type.Union(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)), { default: 'info' }),
  ACTOR_CONCURRENCY: Type.Integer({ minimum: 1, maximum: 4096, default: 128, description: 'Commands in flight per partition actor.' }),
  ACTOR_MAX_QUEUE: Type.Integer({ minimum: 1, default: 10_000, description: 'Queued commands per partition before 503.' }),
  WS_MAX_BACKPRESSURE: Type.Integer({ minimum: 1024, default: 1024 * 1024, description: 'Bytes buffered for one WebSocket before it is closed (1013).' }),
  WS_IDLE_TIMEOUT: Type.Integer({ minimum: 0, maximum: 960, default: 120, description: 'Seconds without traffic before a WebSocket is closed (0 = never).' }),
  SHUTDOWN_TIMEOUT_MS: Type.Integer({ minimum: 0, default: 10_000, description: 'How long SIGTERM waits for in-flight commands, ms.' }),
  METRICS: Type.Union([Type.Literal('on'), Type.Literal('off')], { default: 'on', description: 'Record Prometheus metrics (off only to measure their cost).' }),
  ADMIN_PORT: Port(9464, 'Admin listener port (metrics, stats, backup; 0 = ephemeral).'),
  ADMIN_HOST: Type.String({ minLength: 1, default: '127.0.0.1', description: 'Admin listen address; a non-loopback one requires ADMIN_TOKEN.' }),
  ADMIN_TOKEN: Type.Optional(Type.String({ minLength: 16, description: 'Bearer token required by every admin route when set (at least 16 characters).' })),
  IDEMPOTENCY_SWEEP_MS: Type.Integer({ minimum: 0, default: 600_000, description: 'Period of the sweep of expired idempotency records, ms (0 = off).' }),
});
export type Config = Static<typeof ConfigSchema>;

/** True for 127.0.0.0/8, ::1 and `localhost`. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || isIPv4Loopback(host);
}
function isIPv4Loopback(host: string): boolean {
  return isIP(host) === 4 && host.startsWith('127.');
}

/** Thrown when the environment holds an invalid setting; the message names each one. */
export class ConfigError extends Error {}

/**
 * Reads the configuration from `env` (only the variables of ConfigSchema), applying defaults.
 * @throws ConfigError naming every invalid variable and its accepted range.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(ConfigSchema.properties)) {
    const v = env[key];
    if (v !== undefined && v !== '') raw[key] = v;
  }
  const value = Value.Default(ConfigSchema, Value.Convert(ConfigSchema, raw));
  const errors = [...Value.Errors(ConfigSchema, value)];
  if (errors.length > 0) {
    const lines = errors.map((e) => `  ${e.path.slice(1)}=${JSON.stringify(raw[e.path.slice(1)])}: ${e.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const config = value as Config;
  if (!isLoopback(config.ADMIN_HOST) && config.ADMIN_TOKEN === undefined)
    throw new ConfigError(`Invalid configuration:\n  ADMIN_HOST=${JSON.stringify(config.ADMIN_HOST)} is not a loopback address: set ADMIN_TOKEN too.`);
  return { ...config, DATA_DIR: resolve(config.DATA_DIR) };
}
