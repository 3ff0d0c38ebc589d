import type { FastifyBaseLogger, FastifyInstance, FastifyRequest } from 'fastify';

/**
 * Fastify's request logging costs every request a pino child logger (its bindings serialized
 * to JSON) and two response listeners, even when the level drops the two lines it writes ("incoming
 * request", "request completed", both at info): about 4% of a send's instructions (bench/README.md).
 * So Fastify gets the logger only when `info` is enabled. Otherwise the app keeps it here, and
 * the few lines Parley writes about one request (errors) go through `requestLog`, with the
 * request id as Fastify's child would have bound it.
 */
export function fastifyLogsRequests(logger: FastifyBaseLogger | false): logger is FastifyBaseLogger {
  return logger !== false && (logger as { isLevelEnabled?: (level: string) => boolean }).isLevelEnabled?.('info') !== false;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The logger when Fastify runs without one (see fastifyLogsRequests); null otherwise. */
    quietLogger: FastifyBaseLogger | null;
  }
}

/** `logger`: the app's logger when Fastify runs without one, null when Fastify has it (or there is none). */
export function registerQuietLogger(app: FastifyInstance, logger: FastifyBaseLogger | null): void {
  app.decorate('quietLogger', logger);
}

/** The logger for a line about this request, carrying its id (`reqId`) either way. */
export function requestLog(request: FastifyRequest): FastifyBaseLogger {
  const quiet = request.server.quietLogger;
  return quiet === null ? request.log : quiet.child({ reqId: request.id });
}
