import pino, { type Logger } from 'pino';
import { createRequire } from 'node:module';
import type PinoPretty from 'pino-pretty';

export const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

export interface LoggerOptions {
  level: string;
  /** `json` (the default: one object a line, for machines) or `pretty` (pino-pretty, for a person at a terminal). */
  format: LogFormat;
}

/** Never logged, whatever a line carries. */
const REDACT = ['req.headers.authorization'];

/**
 * The application's logger on standard output.
 *
 * JSON lines go through an asynchronous destination: a line is queued and written by the event
 * loop, so logging never blocks a request on the terminal or the file behind stdout (issue 21:
 * the send at info within 10% of warn). pino flushes what is queued, synchronously, when the
 * process exits: process.exit (SIGTERM and SIGINT end that way, src/cli/main.ts), an
 * uncaught exception, the loop running out of work. Only SIGKILL (or a power cut) loses the
 * lines still queued, at most what was logged in the last turn of the loop.
 *
 * `pretty` is for a person watching: written synchronously, coloured on a terminal.
 */
export function createLogger(options: LoggerOptions): Logger {
  const base = { level: options.level, redact: REDACT };
  if (options.level === 'silent') return pino(base);
  if (options.format === 'pretty') {
    // Loaded only for `pretty`: the default format spares the process its memory.
    const pretty = createRequire(import.meta.url)('pino-pretty') as typeof PinoPretty;
    return pino(base, pretty({ colorize: process.stdout.isTTY === true, sync: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' }));
  }
  return pino(base, pino.destination({ dest: 1, sync: false }));
}
