import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { ForbiddenError } from '../domain/errors.js';
import type { Actor } from '../domain/users.js';

/**
 * onRequest hook: resolves the bearer key to `request.actor` or answers 401. A key fresh in the
 * auth cache is resolved without a promise (callback style, not async): the common case of a
 * bot sending request after request with one key.
 */
export function authenticationHook(app: FastifyInstance, options: { adminOnly: boolean }) {
  const authenticator = app.parley.authenticator;
  const accept = (request: FastifyRequest, actor: Actor, done: HookHandlerDoneFunction): void => {
    request.actor = actor;
    if (options.adminOnly && !actor.isAdmin) done(new ForbiddenError());
    else done();
  };
  return (request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction): void => {
    const header = request.headers.authorization;
    const cached = authenticator.authenticateCached(header);
    if (cached !== undefined) return accept(request, cached, done);
    authenticator.authenticate(header).then((actor) => accept(request, actor, done), done);
  };
}
