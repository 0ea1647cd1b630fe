/** Entry point: `npm start`. Reads the environment, starts sortie, stops it on SIGTERM/SIGINT. */
import { ConfigError, loadConfig } from './config.ts';
import { startApp } from './app.ts';
import { createLogger, defaultLogFormat } from './log.ts';

let config;
try {
  config = loadConfig();
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  process.stderr.write(`${err.message}\n`);
  process.exit(2);
}
const log = createLogger(config.LOG_LEVEL, defaultLogFormat(config.LOG_FORMAT, process.stdout.isTTY === true));
try {
  const app = await startApp(config, log);
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
} catch (err) {
  log.fatal({ err }, 'start failed');
  log.flush();
  process.exit(1);
}
