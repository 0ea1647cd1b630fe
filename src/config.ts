import { isIP } from 'node:net';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { OWASP_SCRYPT } from './core/auth/password.ts';

const Port = (d: number, description: string) => Type.Integer({ minimum: 0, maximum: 65535, default: d, description });

/** Environment variables read at start; every one has a default. */
export const ConfigSchema = Type.Object({
  PORT: Port(8080, 'Public HTTP/WebSocket port (0 = ephemeral).'),
  HOST: Type.String({ minLength: 1, default: '0.0.0.0', description: 'Public listen address.' }),
  DATA_DIR: Type.String({ minLength: 1, default: './data', description: 'LMDB directory.' }),
  PARTITIONS: Type.Integer({ minimum: 1, maximum: 256, default: availableParallelism(), description: 'Partition actors (threads); default = CPU count.' }),
  CACHE_MAX: Type.Integer({ minimum: 1, maximum: 100_000_000, default: 200_000, description: 'Entries in the LRU read cache.' }),
  PAGE_CACHE_BYTES: Type.Integer({ minimum: 0, default: 64 * 1024 * 1024, description: 'Bytes of encoded collection pages kept in the page cache.' }),
  BODY_LIMIT: Type.Integer({ minimum: 1024, maximum: 64 * 1024 * 1024, default: 1024 * 1024, description: 'Largest request body or WebSocket message, bytes.' }),
  BODY_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 600_000, default: 10_000, description: 'Longest pause in a request body, and the head start of BODY_MIN_RATE, ms; then 408. Also the longest drain after an early answer.' }),
  BODY_MIN_RATE: Type.Integer({ minimum: 1, default: 16_384, description: 'Slowest average rate of a request body once its first BODY_TIMEOUT_MS are over, bytes/s; then 408.' }),
  BODY_DRAIN_BYTES: Type.Integer({ minimum: 0, maximum: 1024 * 1024 * 1024, default: 8 * 1024 * 1024, description: 'Request body bytes read and discarded after an answer sent before the body ended (413...), before the connection is closed (0 = close at once).' }),
  CHUNKED_BODIES: Type.Union([Type.Literal('refuse'), Type.Literal('accept')],
    { default: 'refuse', description: 'Request bodies sent with Transfer-Encoding: chunked: refused with 411, or accepted (only behind a proxy that re-frames them).' }),
  LOG_LEVEL: Type.Union(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)), { default: 'info', description: 'pino log level (silent mutes the log).' }),
  LOG_FORMAT: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('pretty')], { description: 'Log lines as JSON or human-readable (pino-pretty); unset: pretty when stdout is a terminal, JSON otherwise.' })),
  ACTOR_CONCURRENCY: Type.Integer({ minimum: 1, maximum: 4096, default: 16, description: 'Command batches in flight per partition actor.' }),
  ACTOR_MAX_QUEUE: Type.Integer({ minimum: 1, default: 1_000, description: 'Queued command batches (up to 256 commands each) per partition before 503.' }),
  WS_MAX_BACKPRESSURE: Type.Integer({ minimum: 1024, default: 1024 * 1024, description: 'Bytes buffered for one WebSocket before it is closed (1013).' }),
  WS_IDLE_TIMEOUT: Type.Integer({ minimum: 0, maximum: 960, default: 120, description: 'Seconds without traffic before a WebSocket is closed (0 = never).' }),
  SHUTDOWN_TIMEOUT_MS: Type.Integer({ minimum: 0, default: 10_000, description: 'How long SIGTERM waits for in-flight commands, ms.' }),
  METRICS: Type.Union([Type.Literal('on'), Type.Literal('off')], { default: 'on', description: 'Record Prometheus metrics (off only to measure their cost).' }),
  ADMIN_PORT: Port(9464, 'Admin listener port (metrics, stats, backup; 0 = ephemeral).'),
  ADMIN_HOST: Type.String({ minLength: 1, default: '127.0.0.1', description: 'Admin listen address; a non-loopback one requires ADMIN_TOKEN.' }),
  ADMIN_TOKEN: Type.Optional(Type.String({ minLength: 16, description: 'Bearer token required by every admin route when set (at least 16 characters).' })),
  IDEMPOTENCY_SWEEP_MS: Type.Integer({ minimum: 0, default: 600_000, description: 'Wait between two sweeps of expired idempotency records and dead refresh sessions, ms (0 = off).' }),
  SWEEP_BATCH: Type.Integer({ minimum: 1, maximum: 100_000, default: 500, description: 'Records a sweep examines per write transaction (it resumes from there in the next one).' }),
  NODE_ENV: Type.String({ default: 'development', description: '`production` requires JWT_SECRET (or JWT_PRIVATE_KEY), QR_SECRET and SCRYPT_COST_LOG2 >= 17.' }),
  JWT_SECRET: Type.Optional(Type.String({ minLength: 32, description: 'HS256 secret of access tokens, at least 32 bytes; unset outside production: generated once and kept in DATA_DIR/jwt-secret.' })),
  JWT_PREVIOUS_SECRET: Type.Optional(Type.String({ minLength: 32, description: 'The former JWT_SECRET during a rotation: still verifies the tokens it signed, signs none.' })),
  JWT_PRIVATE_KEY: Type.Optional(Type.String({ minLength: 1, description: 'Ed25519 private key (PKCS#8 PEM): tokens are signed EdDSA with it; JWT_SECRET, if set, then only verifies.' })),
  JWT_PREVIOUS_PUBLIC_KEY: Type.Optional(Type.String({ minLength: 1, description: 'The former Ed25519 public key (SPKI PEM) during a rotation: still verifies the tokens it signed.' })),
  SCRYPT_COST_LOG2: Type.Integer({ minimum: 10, maximum: 20, default: 17, description: 'log2 of scrypt N for new password hashes (r=8, p=1); under 17 refused in production (tests only).' }),
  RATE_LIMIT: Type.Union([Type.Literal('on'), Type.Literal('off')], { default: 'on', description: 'Per-IP and per-user request limits (off only for benchmarks).' }),
  RATE_LIMIT_ANON: Type.Integer({ minimum: 1, default: 100, description: 'Requests per minute per client IP when anonymous.' }),
  RATE_LIMIT_USER: Type.Integer({ minimum: 1, default: 1000, description: 'Requests per minute per authenticated user.' }),
  TRUST_PROXY: Type.String({ default: '', description: 'Comma-separated proxy addresses or CIDRs (or loopback, linklocal, uniquelocal) whose X-Forwarded-For is believed.' }),
  LOGIN_FAILURES_PER_ACCOUNT: Type.Integer({ minimum: 1, default: 10, description: 'Login attempts per email from one client IP in 15 minutes before login answers 429 to that IP (a success clears them).' }),
  BOOKING_HOLD_MS: Type.Integer({ minimum: 1000, maximum: 30 * 86_400_000, default: 15 * 60_000, description: 'How long a PENDING booking holds its slot before it expires, ms.' }),
  BOOKING_TTL_MS: Type.Integer({ minimum: 1000, maximum: 365 * 86_400_000, default: 24 * 3_600_000, description: 'How long after confirmation a booking not checked in becomes NO_SHOW (or at the offer\'s valid_until if earlier), ms.' }),
  QR_SECRET: Type.Optional(Type.String({ minLength: 32, description: 'HMAC key of bookings\' QR tokens, at least 32 bytes; unset outside production: generated once and kept in DATA_DIR/qr-secret.' })),
  LOGIN_FAILURES_PER_IP: Type.Integer({ minimum: 1, default: 50, description: 'Failed logins per client IP in 15 minutes before login answers 429.' }),
  LOGIN_FAILURES_PER_EMAIL: Type.Integer({ minimum: 1, default: 100, description: 'Failed logins per email from all client IPs together in 15 minutes before login answers 429 to every IP (against distributed guessing).' }),
  UPSTREAM_URL: Type.Optional(Type.String({ pattern: '^https?://[^/?#]+(/[^?#]*)?$', description: 'Base URL of the service behind /proxy/* and /aggregate/areas (http or https, no query); unset: /aggregate/areas reads the local store, /proxy/* answers 404.' })),
  UPSTREAM_TIMEOUT_MS: Type.Integer({ minimum: 1, maximum: 600_000, default: 5_000, description: 'Longest wait for the upstream to connect, to send its response headers, and between two body chunks, ms; then 504.' }),
  UPSTREAM_CONNECTIONS: Type.Integer({ minimum: 1, maximum: 65_536, default: 256, description: 'Keep-alive connections the gateway opens to the upstream at most.' }),
  AGGREGATE_MAX_ITEMS: Type.Integer({ minimum: 1, maximum: 1_000_000, default: 1_000, description: 'Most areas /aggregate/areas collects (following Link rel="next").' }),
  AGGREGATE_CACHE_TTL_MS: Type.Integer({ minimum: 0, default: 5_000, description: 'How long an /aggregate/areas answer is served from memory, ms (0 = not cached).' }),
  PROXY_CACHE_TTL_MS: Type.Integer({ minimum: 0, default: 0, description: 'How long a proxied GET answer is served from memory, ms, at most (0 = no cache: answers are streamed).' }),
  STALE_IF_ERROR_MS: Type.Integer({ minimum: 0, default: 60_000, description: 'How long past its expiry a cached answer is still served when the upstream fails, ms (RFC 5861 stale-if-error).' }),
  GATEWAY_CACHE_BYTES: Type.Integer({ minimum: 1024, default: 64 * 1024 * 1024, description: 'Bytes of upstream answers kept in memory; one answer may take a quarter at most.' }),
  BREAKER_FAILURES: Type.Integer({ minimum: 1, maximum: 10_000, default: 5, description: 'Consecutive upstream failures (errors, timeouts, 5xx) that open the circuit breaker.' }),
  BREAKER_HALF_OPEN_MS: Type.Integer({ minimum: 1, default: 10_000, description: 'How long the breaker stays open before it lets one trial request through, ms.' }),
});
export type Config = Static<typeof ConfigSchema>;

/** True for 127.0.0.0/8, ::1 and `localhost`. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || isIPv4Loopback(host);
}
function isIPv4Loopback(host: string): boolean {
  return isIP(host) === 4 && host.startsWith('127.');
}

/** Variables whose values never appear in an error message. */
const SECRETS = new Set(['ADMIN_TOKEN', 'JWT_SECRET', 'JWT_PREVIOUS_SECRET', 'JWT_PRIVATE_KEY', 'QR_SECRET']);

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
  const shown = (key: string) => (SECRETS.has(key) ? '<hidden>' : JSON.stringify(raw[key]));
  // Value.Convert truncates `1.5`, `1e1` or `true` to an integer: only plain digits are integers here.
  const notIntegers = Object.entries(ConfigSchema.properties)
    .filter(([key, schema]) => (schema as { type?: string }).type === 'integer' && raw[key] !== undefined && !/^[0-9]+$/.test(String(raw[key])))
    .map(([key]) => `  ${key}=${shown(key)}: Expected a whole number of digits`);
  const value = Value.Default(ConfigSchema, Value.Convert(ConfigSchema, { ...raw }));
  const errors = [...notIntegers, ...[...Value.Errors(ConfigSchema, value)]
    .filter((e) => !notIntegers.some((l) => l.startsWith(`  ${e.path.slice(1)}=`)))
    .map((e) => `  ${e.path.slice(1)}=${shown(e.path.slice(1))}: ${e.message}`)];
  if (errors.length > 0) throw new ConfigError(`Invalid configuration:\n${errors.join('\n')}`);
  const config = value as Config;
  if (!isLoopback(config.ADMIN_HOST) && config.ADMIN_TOKEN === undefined)
    throw new ConfigError(`Invalid configuration:\n  ADMIN_HOST=${JSON.stringify(config.ADMIN_HOST)} is not a loopback address: set ADMIN_TOKEN too.`);
  if (config.NODE_ENV === 'production') checkProduction(config);
  return { ...config, DATA_DIR: resolve(config.DATA_DIR) };
}

/** Production refuses a generated token secret and a lowered password-hashing cost. @throws ConfigError */
function checkProduction(config: Config): void {
  if (config.JWT_SECRET === undefined && config.JWT_PRIVATE_KEY === undefined)
    throw new ConfigError('Invalid configuration:\n  JWT_SECRET (or JWT_PRIVATE_KEY) is required when NODE_ENV=production.');
  if (config.SCRYPT_COST_LOG2 < OWASP_SCRYPT.log2N)
    throw new ConfigError(`Invalid configuration:\n  SCRYPT_COST_LOG2=${config.SCRYPT_COST_LOG2}: must be at least ${OWASP_SCRYPT.log2N} when NODE_ENV=production.`);
  if (config.QR_SECRET === undefined)
    throw new ConfigError('Invalid configuration:\n  QR_SECRET is required when NODE_ENV=production.');
}
