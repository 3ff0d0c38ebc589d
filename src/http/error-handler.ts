import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, ForbiddenError, NotFoundError, UnauthenticatedError, ValidationError } from '../domain/errors.js';
import { IdempotencyKeyInUse } from '../domain/idempotency.js';
import { isDatabaseUnavailable } from '../store/database-errors.js';
import { MalformedRequestError, TooManyRequestsError } from './http-errors.js';
import { toFieldErrors } from './validation.js';

const NOT_FOUND = 'Resource not found.';
const SERVICE_UNAVAILABLE = 'Service Unavailable.';
/** What a 503 for an unreachable database tells clients to wait (docs/api.md, docs/deploy.md). */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

function send(reply: FastifyReply, request: FastifyRequest, status: number, body: Record<string, unknown>): FastifyReply {
  return reply.code(status).type('application/json; charset=utf-8').send({ ...body, request_id: request.id });
}

/** Laravel's wire errors: every body has `message` and `request_id`; nothing internal leaks. */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setNotFoundHandler((request, reply) => send(reply, request, 404, { message: NOT_FOUND }));

  app.setErrorHandler((error: FastifyError | Error, request, reply) => {
    if (error instanceof ValidationError) {
      return send(reply, request, 422, { message: error.message, errors: error.errors });
    }
    if (error instanceof UnauthenticatedError) return send(reply, request, 401, { message: error.message });
    if (error instanceof ForbiddenError) return send(reply, request, 403, { message: error.message });
    if (error instanceof NotFoundError) return send(reply, request, 404, { message: error.message });
    if (error instanceof TooManyRequestsError) {
      reply.header('Retry-After', String(error.retryAfterSeconds));
      return send(reply, request, 429, { message: error.message });
    }
    // Another instance's request holds the Idempotency-Key (its primary key refused this write).
    if (error instanceof IdempotencyKeyInUse) return send(reply, request, 409, { message: error.message });
    if (error instanceof DomainError) return send(reply, request, 400, { message: error.message });
    if (error instanceof MalformedRequestError) return send(reply, request, 400, { message: error.message });

    const fastifyError = error as FastifyError;
    if (fastifyError.validation) {
      return send(reply, request, 422, { message: 'The given data was invalid.', errors: toFieldErrors(fastifyError.validation as never) });
    }
    switch (fastifyError.code) {
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return send(reply, request, 413, { message: 'The request body is too large; the limit is 1 MiB.' });
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return send(reply, request, 415, { message: 'Unsupported Content-Type: send application/json.' });
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
        return send(reply, request, 400, { message: 'The request body is not valid JSON.' });
    }
    if (error instanceof SyntaxError || fastifyError.statusCode === 400) {
      return send(reply, request, 400, { message: 'The request body is not valid JSON.' });
    }
    const status = fastifyError.statusCode;
    if (status !== undefined && status >= 400 && status < 500) {
      return send(reply, request, status, { message: 'Bad request.' });
    }
    if (isDatabaseUnavailable(error)) {
      // Lost or refused database connections, SQLite's lock held past the busy timeout: worth
      // retrying, so 503 with a Retry-After rather than 500. The broken connection was discarded.
      request.log.warn({ err: error }, 'database unavailable');
      reply.header('Retry-After', String(DATABASE_RETRY_AFTER_SECONDS));
      return send(reply, request, 503, { message: SERVICE_UNAVAILABLE });
    }
    request.log.error({ err: error }, 'unhandled error');
    return send(reply, request, 500, { message: 'Server Error.' });
  });
}
