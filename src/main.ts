/** Entry point: `npm start`. Reads the environment, starts sortie, stops it on SIGTERM/SIGINT. */
import { ConfigError, loadConfig, type Config } from './config.ts';
import { startApp, type RunningApp } from './app.ts';
import { createLogger, defaultLogFormat } from './log.ts';
import { StoreLayoutError } from './store/layout.ts';

let config: Config;
try {
  config = loadConfig();
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  process.stderr.write(`${err.message}\n`);
  process.exit(2);
}
const log = createLogger(config.LOG_LEVEL, defaultLogFormat(config.LOG_FORMAT, process.stdout.isTTY === true));

/** Logs why the start failed and exits: 2 for a store of a newer layout (with its message, no stack trace), else 1. */
function startFailed(err: unknown): never {
  if (err instanceof StoreLayoutError) {
    log.fatal({ found: err.found, supported: err.supported, dataDir: config.DATA_DIR }, err.message);
    process.stderr.write(`sortie: ${err.message} (DATA_DIR=${config.DATA_DIR})\n`);
  } else log.fatal({ err }, 'start failed');
  log.flush();
  process.exit(err instanceof StoreLayoutError ? 2 : 1);
}

let app: RunningApp;
try {
  app = await startApp(config, log);
} catch (err) {
  startFailed(err);
}
const shutdown = (signal: string) => {
  log.info({ signal }, 'shutting down');
  app.stop().then(() => {
    log.flush();
    process.exit(0);
  }, (err: unknown) => {
    log.fatal({ err }, 'shutdown failed');
    log.flush();
    process.exit(1);
  });
};
process.once('SIGTERM', () => shutdown('SIGTERM'));
process.once('SIGINT', () => shutdown('SIGINT'));
// A failed warm-up (e.g. a migration step: its transaction aborted, the store is as it was) stops the listeners and exits 1.
app.ready.catch(async (err: unknown) => {
  await app.stop().catch(() => undefined);
  startFailed(err);
});
