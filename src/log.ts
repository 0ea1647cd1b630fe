import { pino, type Logger } from 'pino';
import pretty from 'pino-pretty';

/** How log lines are written: one JSON object per line, or human-readable lines (pino-pretty). */
export type LogFormat = 'json' | 'pretty';

/**
 * The format when LOG_FORMAT is unset: pretty on a terminal (a newcomer running `npm start`),
 * JSON otherwise (a log collector, a pipe, systemd's journal).
 */
export function defaultLogFormat(format: LogFormat | undefined, stdoutIsTTY: boolean): LogFormat {
  return format ?? (stdoutIsTTY ? 'pretty' : 'json');
}

/**
 * Creates the process logger on stdout, written asynchronously (sonic-boom `sync: false`, also
 * under pino-pretty) so logging never blocks the front thread. Call `flush` before exit.
 * `pretty` formats on the calling thread: meant for a terminal, not for a server under load.
 */
export function createLogger(level: string, format: LogFormat = 'json'): Logger {
  const options = { level, base: { app: 'sortie' } };
  if (format === 'json') return pino(options, pino.destination({ dest: 1, sync: false }));
  return pino(options, pretty({ destination: 1, sync: false, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,app' }));
}
export type { Logger };
