import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ForbiddenError } from '../domain/errors.js';

/** onRequest hook: resolves the bearer key to `request.actor` or answers 401. */
export function authenticationHook(app: FastifyInstance, options: { adminOnly: boolean }) {
  return async (request: FastifyRequest): Promise<void> => {
    request.actor = await app.parley.authenticator.authenticate(request.headers.authorization);
    if (options.adminOnly && !request.actor.isAdmin) throw new ForbiddenError();
  };
}
