import { pino, type Logger } from 'pino';

/**
 * Creates the process logger: pino JSON lines on stdout, written asynchronously
 * (sonic-boom `sync: false`) so logging never blocks the front thread. Call `flush` before exit.
 */
export function createLogger(level: string): Logger {
  return pino({ level, base: { app: 'sortie' } }, pino.destination({ dest: 1, sync: false }));
}
export type { Logger };
