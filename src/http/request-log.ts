import type { FastifyBaseLogger } from 'fastify';
import type { Bindings, ChildLoggerOptions } from 'pino';

/**
 * Fastify's request logging costs every request a pino child logger (its bindings serialized
 * to JSON) and two response listeners, even when the level drops the two lines it writes ("incoming
 * request", "request completed", both at info): about 4% of a send's instructions (bench/README.md).
 * So Fastify gets the logger only when `info` is enabled.
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
