import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import type { Clock } from '../domain/clock.js';
import { ForbiddenError, UnauthenticatedError } from '../domain/errors.js';
import type { Actor } from '../domain/users.js';
import { TooManyRequestsError } from './http-errors.js';
import { noteAuthFailure } from './request-log.js';

const WINDOW_MS = 60_000;
/** Addresses tracked at once; past it, finished windows are dropped (and, if none is, all). */
const MAX_ADDRESSES = 100_000;

/**
 * Failed authentications (an `Authorization` header with an unknown, expired or revoked key) per
 * client address, in fixed one-minute windows opened by the first failure, in this process. Past
 * the limit, further failures from the address answer 429 with Retry-After instead of 401; a
 * valid key is still checked and let through, so one misbehaving client behind an address does
 * not lock out the others.
 */
export class AuthFailureThrottle {
  private readonly windows = new Map<string, { startMs: number; failures: number }>();

  constructor(
    private readonly limitPerMinute: number,
    private readonly clock: Clock,
  ) {}

  /** Counts a failure from `address`; answers the seconds until its window ends when it is over the limit, else null. */
  fail(address: string): number | null {
    const now = this.clock.nowMs();
    let window = this.windows.get(address);
    if (!window || now >= window.startMs + WINDOW_MS) {
      if (!window && this.windows.size >= MAX_ADDRESSES) this.prune(now);
      window = { startMs: now, failures: 0 };
      this.windows.set(address, window);
    }
    window.failures++;
    if (window.failures <= this.limitPerMinute) return null;
    return Math.max(1, Math.ceil((window.startMs + WINDOW_MS - now) / 1000));
  }

  private prune(now: number): void {
    for (const [address, window] of this.windows) if (now >= window.startMs + WINDOW_MS) this.windows.delete(address);
    if (this.windows.size >= MAX_ADDRESSES) this.windows.clear();
  }
}

/** One throttle per app, shared by the /v2 and /admin/v1 hooks. */
const throttles = new WeakMap<FastifyInstance['parley'], AuthFailureThrottle | null>();

function throttleOf(app: FastifyInstance): AuthFailureThrottle | null {
  const context = app.parley;
  if (!throttles.has(context)) {
    const limit = context.authFailuresPerMinute ?? 0;
    throttles.set(context, limit > 0 ? new AuthFailureThrottle(limit, context.clock) : null);
  }
  return throttles.get(context)!;
}

/**
 * onRequest hook: resolves the bearer key to `request.actor` or answers 401 (429 for an address
 * over the failed-authentication limit). A key fresh in the auth cache is resolved without a
 * promise (callback style, not async): the common case of a bot sending request after request
 * with one key. Every response of these routes may carry a credential or a secret (order
 * credentials, a new key, a webhook secret), so none may be stored by a cache: `no-store` on all
 * of them, errors included, is simpler and safer than deciding per route.
 */
export function authenticationHook(app: FastifyInstance, options: { adminOnly: boolean }) {
  const authenticator = app.parley.authenticator;
  const throttle = throttleOf(app);
  const accept = (request: FastifyRequest, actor: Actor, done: HookHandlerDoneFunction): void => {
    request.actor = actor;
    if (options.adminOnly && !actor.isAdmin) done(new ForbiddenError());
    else done();
  };
  const refuse = (request: FastifyRequest, error: unknown, done: HookHandlerDoneFunction): void => {
    if (error instanceof UnauthenticatedError) noteAuthFailure(request, error.reason);
    // Only a key that was presented and refused counts: a request without one guesses nothing.
    if (throttle && error instanceof UnauthenticatedError && request.headers.authorization !== undefined) {
      const retryAfter = throttle.fail(request.ip);
      if (retryAfter !== null) return done(new TooManyRequestsError(retryAfter));
    }
    done(error as Error);
  };
  return (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void => {
    reply.header('Cache-Control', 'no-store');
    const header = request.headers.authorization;
    const cached = authenticator.authenticateCached(header);
    if (cached !== undefined) return accept(request, cached, done);
    authenticator.authenticate(header).then((actor) => accept(request, actor, done), (error: unknown) => refuse(request, error, done));
  };
}
