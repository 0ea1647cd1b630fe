import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { ConfigError, ConfigSchema, loadConfig } from '../../src/config.ts';

/** Loads from `env` and returns the ConfigError message it must throw. */
function configErrorOf(env: NodeJS.ProcessEnv): string {
  try {
    loadConfig(env);
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
    return err.message;
  }
  assert.fail(`expected ${JSON.stringify(env)} to be refused`);
}

test('defaults of README "Configuration" when nothing is set: every variable is documented, with its real default', () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const documented = new Map([...readme.matchAll(/^\| `([A-Z0-9_]+)` \| ([^|]+) \|/gm)].map((m) => [m[1] as string, (m[2] as string).trim()]));
  const config: Record<string, unknown> = loadConfig({});
  const special: Record<string, unknown> = { 'CPU count': availableParallelism(), './data': resolve('./data'), unset: undefined, generated: undefined, empty: '' };
  for (const key of Object.keys(ConfigSchema.properties)) {
    assert.ok(documented.has(key), `${key} is missing from README "Configuration"`);
    const text = documented.get(key) as string;
    const expected = text in special ? special[text] : typeof config[key] === 'number' ? Number(text) : text;
    assert.equal(config[key], expected, key);
  }
});

test('numbers are converted from text; an empty variable means its default', () => {
  const c = loadConfig({ PORT: '0', PARTITIONS: '3', CACHE_MAX: '10', BODY_LIMIT: '2048', LOG_LEVEL: 'silent', HOST: '', WS_IDLE_TIMEOUT: '0' });
  assert.equal(c.PORT, 0);
  assert.equal(c.PARTITIONS, 3);
  assert.equal(c.CACHE_MAX, 10);
  assert.equal(c.BODY_LIMIT, 2048);
  assert.equal(c.LOG_LEVEL, 'silent');
  assert.equal(c.HOST, '0.0.0.0');
  assert.equal(c.WS_IDLE_TIMEOUT, 0);
});

test('DATA_DIR is made absolute', () => {
  assert.equal(loadConfig({ DATA_DIR: 'some/where' }).DATA_DIR, resolve('some/where'));
  assert.equal(loadConfig({ DATA_DIR: '/var/lib/sortie' }).DATA_DIR, '/var/lib/sortie');
});

test('variables outside the schema are ignored', () => {
  assert.deepEqual(loadConfig({ PATH: '/bin', UNRELATED: 'x' }), loadConfig({}));
});

test('a bad value is refused with a message naming the variable and its value', () => {
  for (const [key, value] of [['PORT', '70000'], ['PORT', 'eighty'], ['PARTITIONS', '0'], ['PARTITIONS', '2abc'],
    ['BODY_LIMIT', '10'], ['LOG_LEVEL', 'verbose'], ['CACHE_MAX', '-1'], ['WS_IDLE_TIMEOUT', '1000']] as const) {
    const message = configErrorOf({ [key]: value });
    assert.match(message, /^Invalid configuration:/);
    assert.ok(message.includes(`${key}=${value}`) || message.includes(`${key}="${value}"`), `${key}=${value}: ${message}`);
  }
});

test('every bad variable is named at once', () => {
  const message = configErrorOf({ PORT: '-1', PARTITIONS: 'many', LOG_LEVEL: 'loud' });
  for (const key of ['PORT', 'PARTITIONS', 'LOG_LEVEL']) assert.ok(message.includes(`${key}=`), `${key} missing from: ${message}`);
});

test('a number that is not an integer is refused, not truncated', () => {
  for (const [key, value] of [['PARTITIONS', '1.5'], ['PARTITIONS', '1e1'], ['PARTITIONS', 'true'], ['PORT', '80.9']] as const)
    assert.match(configErrorOf({ [key]: value }), new RegExp(`${key}=`));
});
