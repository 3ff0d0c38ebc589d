import type { FastifyBaseLogger, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import type { AuthFailureReason } from '../domain/errors.js';
import type { Bindings, ChildLoggerOptions } from 'pino';
import { jsonLineWriter } from '../logging.js';

/**
 * Whether requests write their line (`info` enabled). Fastify's own request logging would cost
 * every request a pino child logger (its bindings serialized to JSON) and two lines ("incoming
 * request", "request completed"): Fastify never gets the logger; requestLine writes one line.
 */
export function fastifyLogsRequests(logger: FastifyBaseLogger | false): logger is FastifyBaseLogger {
  return logger !== false && (logger as { isLevelEnabled?: (level: string) => boolean }).isLevelEnabled?.('info') !== false;
}

type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

function enabled(logger: FastifyBaseLogger, level: Level): boolean {
  return (logger as { isLevelEnabled?: (level: string) => boolean }).isLevelEnabled?.(level) ?? true;
}

/**
 * `request.log` when Fastify runs without a logger (above info): a line about the request still
 * reaches `parent` with the request id, but the pino child that carries it is made only when a
 * line is written at an enabled level, so a request that logs nothing costs one small object.
 */
class LazyChildLogger implements FastifyBaseLogger {
  private child_: FastifyBaseLogger | null = null;

  constructor(
    private readonly parent: FastifyBaseLogger,
    private readonly bindings: Bindings,
    private readonly options: ChildLoggerOptions,
  ) {}

  get level(): string {
    return this.parent.level;
  }

  set level(level: string) {
    this.resolve().level = level;
  }

  private resolve(): FastifyBaseLogger {
    return (this.child_ ??= this.parent.child(this.bindings, this.options));
  }

  private write(level: Level, args: unknown[]): void {
    if (this.child_ === null && !enabled(this.parent, level)) return;
    (this.resolve()[level] as (...args: unknown[]) => void)(...args);
  }

  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.resolve().child(bindings, options);
  }

  // Methods on the prototype, not arrow fields: a request's logger is one object, no closures.
  fatal(...args: unknown[]): void {
    this.write('fatal', args);
  }

  error(...args: unknown[]): void {
    this.write('error', args);
  }

  warn(...args: unknown[]): void {
    this.write('warn', args);
  }

  info(...args: unknown[]): void {
    this.write('info', args);
  }

  debug(...args: unknown[]): void {
    this.write('debug', args);
  }

  trace(...args: unknown[]): void {
    this.write('trace', args);
  }

  silent(): void {}
}

/**
 * Fastify's `childLoggerFactory` for an app without a Fastify logger: each request's `log` is a
 * LazyChildLogger of `parent` (Fastify hands in its own null logger, which is ignored). Fastify
 * then adds no response listeners and writes no request lines, and an error logged through
 * `request.log` still reaches the log with its `reqId`.
 */
export function lazyChildLoggerFactory(parent: FastifyBaseLogger): (logger: FastifyBaseLogger, bindings: Bindings, options: ChildLoggerOptions) => FastifyBaseLogger {
  return (_nullLogger, bindings, options) => new LazyChildLogger(parent, bindings, options);
}

/** Why the request's key was refused (authentication.ts), for its log line. */
const kAuthFailure = Symbol('parley.authFailure');

type WithAuthFailure = FastifyRequest & { [kAuthFailure]?: AuthFailureReason };

export function noteAuthFailure(request: FastifyRequest, reason: AuthFailureReason): void {
  (request as WithAuthFailure)[kAuthFailure] = reason;
}

const kStartedAt = Symbol('parley.startedAt');

/** onRequest (at info only): when the request came in, for its line's `responseTime`. */
export function requestStart(request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction): void {
  (request as FastifyRequest & { [kStartedAt]?: number })[kStartedAt] = performance.now();
  done();
}

/**
 * onSend: the one line a request writes at info (Fastify's own two lines, "incoming request"
 * and "request completed", are off: the app runs without a Fastify logger). Written straight to
 * the app's logger, with the request id as a field: no child logger per request. Written as the
 * answer goes out, not once it is out (onResponse would cost every request two response
 * listeners): `responseTime` is the time to the answer, in ms; a stream's line is written as it
 * opens. A refused key says why (missing, malformed, unknown, expired, revoked), never what it was.
 */
export function requestLine(logger: FastifyBaseLogger) {
  // The JSON logger's own format, built here as text: the fields below, in this order.
  const write = jsonLineWriter(logger);
  return (request: FastifyRequest, reply: FastifyReply, payload: unknown, done: (error: null, payload: unknown) => void): void => {
    const startedAt = (request as FastifyRequest & { [kStartedAt]?: number })[kStartedAt];
    const authFailure = (request as WithAuthFailure)[kAuthFailure];
    if (write) {
      const url = request.url.includes('stream_token=') ? request.url.replace(/stream_token=[^&]*/g, 'stream_token=[redacted]') : request.url;
      const ip = request.ip;
      write(
        30,
        `"reqId":${JSON.stringify(request.id)},"req":{"method":${JSON.stringify(request.method)},"url":${JSON.stringify(url)}` +
          `${typeof ip === 'string' ? `,"remoteAddress":${JSON.stringify(ip)}` : ''}},"res":{"statusCode":${reply.statusCode}},` +
          `"responseTime":${startedAt === undefined ? 'null' : performance.now() - startedAt}${authFailure ? `,"authFailure":${JSON.stringify(authFailure)}` : ''}`,
        'request completed',
      );
      return done(null, payload);
    }
    logger.info(
      {
        reqId: request.id,
        // A stream token is a credential for its lifetime: not in the logs.
        req: { method: request.method, url: request.url.includes('stream_token=') ? request.url.replace(/stream_token=[^&]*/g, 'stream_token=[redacted]') : request.url, remoteAddress: request.ip },
        res: { statusCode: reply.statusCode },
        responseTime: startedAt === undefined ? null : performance.now() - startedAt,
        ...(authFailure ? { authFailure } : {}),
      },
      'request completed',
    );
    done(null, payload);
  };
}
