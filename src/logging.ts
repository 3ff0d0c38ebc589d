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
  const destination = pino.destination({ dest: 1, sync: false, contentMode: 'buffer' });
  // Each line handed over as its bytes: in text mode sonic-boom measures the whole pending chunk
  // again for every line it appends (Buffer.byteLength of a growing string), in a profile of the
  // send at info about 3% of the CPU.
  const logger = pino(base, { write: (line: string) => void destination.write(Buffer.from(line) as unknown as string) });
  plainJson.add(logger);
  return logger;
}

/** Loggers that write pino's default JSON lines to their destination, as createLogger makes them. */
const plainJson = new WeakSet<object>();

/**
 * A writer of pre-built lines for `logger` when it writes pino's default JSON (level, time, its
 * bindings, the fields, msg): `line(fields)` takes the fields as JSON text (`"a":1,"b":"x"`),
 * builds the line pino would and hands it to the same destination. Null for any other logger.
 * For the one line every request writes, where pino's generic serialization of an object costs
 * as much again as the write (src/http/request-log.ts).
 */
export function jsonLineWriter(logger: object): ((level: number, fields: string, msg: string) => void) | null {
  if (!plainJson.has(logger)) return null;
  const pinoLogger = logger as Logger;
  const stream = (pinoLogger as unknown as Record<symbol, { write(line: string): void }>)[pino.symbols.streamSym]!;
  const bindings = (pinoLogger as unknown as Record<symbol, string>)[pino.symbols.chindingsSym] ?? '';
  return (level, fields, msg) => {
    stream.write(`{"level":${level},"time":${Date.now()}${bindings},${fields},"msg":${JSON.stringify(msg)}}\n`);
  };
}
