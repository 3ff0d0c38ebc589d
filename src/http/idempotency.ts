import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { toMessageResource } from '../contract/message.js';
import { ValidationError } from '../domain/errors.js';
import {
  keyedRequests,
  MAX_IDEMPOTENCY_KEY_LENGTH,
  storeAnswer,
  type IdempotentAnswer,
  type IdempotentRequest,
} from '../domain/idempotency.js';
import type { MessageRecord } from '../domain/ports.js';
import type { Actor } from '../domain/users.js';
import { MalformedRequestError } from './http-errors.js';

export const IDEMPOTENCY_HEADER = 'idempotency-key';
export const REPLAYED_HEADER = 'Idempotent-Replayed';
export const DEFAULT_IDEMPOTENCY_TTL_SECONDS = 86_400;

/** 1 to 255 visible ASCII characters (Stripe's rule; a space or a repeated header is refused). */
const VALID_KEY = new RegExp(`^[\\x21-\\x7e]{1,${MAX_IDEMPOTENCY_KEY_LENGTH}}$`);
export const BAD_KEY_MESSAGE = `The Idempotency-Key header must be 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} visible ASCII characters.`;
export const REUSED_KEY_MESSAGE = 'The Idempotency-Key was already used with a different request (method, path or body).';
export const IN_FLIGHT_MESSAGE = 'A request with this Idempotency-Key is still being processed; retry once it has finished.';
export const ANSWER_LOST_MESSAGE = 'The request with this Idempotency-Key was applied, but its answer was lost (the server stopped before replying); it will not be applied again. Read the resource to see its state.';
/** Expired keys are swept after this many new ones (and looked up as absent meanwhile). */
const PURGE_EVERY = 1000;

/**
 * Test-only (test/http/idempotency/sigkill.test.ts): the process kills itself with SIGKILL when
 * the request with this Idempotency-Key has committed its write, before the answer goes out.
 */
const KILL_AFTER_COMMIT_KEY = process.env.PARLEY_TEST_KILL_AFTER_COMMIT_KEY || null;

const JSON_TYPE = 'application/json; charset=utf-8';

/** Answers made of a shared write's value, per operation: these commit with their write. */
function rendererFor(request: FastifyRequest, reply: FastifyReply): IdempotentRequest['render'] {
  const operationId = (request.routeOptions.schema as { operationId?: string } | undefined)?.operationId ?? '';
  if (/^send\w+Message$/.test(operationId)) {
    // The route's own serializer: the stored bytes are those the route sends.
    return (value) => ({ status: 200, body: reply.serializeInput({ data: toMessageResource(value as MessageRecord) }, '200') as string, contentType: JSON_TYPE });
  }
  return null;
}

/** JSON with object keys sorted: the same body in another key order is the same request. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function fingerprintOf(request: FastifyRequest): string {
  return createHash('sha256').update(`${request.method} ${request.url}\n${canonical(request.body ?? null)}`).digest('hex');
}

function scopeOf(actor: Actor): string {
  return actor.apiKeyId !== null ? `key:${actor.apiKeyId}` : `user:${actor.user.id}`;
}

function sendError(reply: FastifyReply, request: FastifyRequest, status: number, message: string): void {
  void reply.code(status).type(JSON_TYPE).send({ message, request_id: request.id });
}

/**
 * Idempotency-Key on the POST and PATCH routes of one API (Stripe's semantics, docs/api.md):
 * preValidation looks the key up (replay, 422 for another request, 409 while in flight) or
 * enters the request into `keyedRequests`, so that its first write transaction records the key;
 * onSend stores the answer (not a 5xx) unless the write stored it already.
 */
export function registerIdempotency(scope: FastifyInstance, app: FastifyInstance): void {
  const { store, clock } = app.parley;
  const ttlMs = (app.parley.idempotencyTtlSeconds ?? DEFAULT_IDEMPOTENCY_TTL_SECONDS) * 1000;
  const state = sharedState(app);

  const finish = (request: FastifyRequest): IdempotentRequest | undefined => {
    const keyed = state.pending.get(request);
    if (!keyed) return undefined;
    state.pending.delete(request);
    keyed.closed = true;
    state.inFlight.delete(`${keyed.scope}\n${keyed.key}`);
    // Tracking contexts costs every promise of the process something: only while keyed requests
    // run (in any app of the process: tests run several).
    if (--runningKeyed === 0) keyedRequests.disable();
    return keyed;
  };

  const preValidation = (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void => {
    const key = request.headers[IDEMPOTENCY_HEADER];
    if (key === undefined) return done();
    if (typeof key !== 'string' || !VALID_KEY.test(key)) return done(new MalformedRequestError(BAD_KEY_MESSAGE));
    const ref = { scope: scopeOf(request.actor), key };
    const id = `${ref.scope}\n${key}`;
    // In flight in this process: known without a query. (Another instance's is caught by the
    // key's primary key when this one's write commits.)
    if (state.inFlight.has(id)) return sendError(reply, request, 409, IN_FLIGHT_MESSAGE);
    state.inFlight.add(id);
    const now = clock.nowMs();
    const fingerprint = fingerprintOf(request);
    const lookUp = async () => {
      const found = await store.idempotency.find(ref);
      if (found && found.expiresAt <= now) {
        await store.idempotency.removeExpired(ref, now);
        return undefined;
      }
      return found;
    };
    lookUp().then(
      (found) => {
        if (found) {
          state.inFlight.delete(id);
          if (found.fingerprint !== fingerprint) return done(ValidationError.field('Idempotency-Key', REUSED_KEY_MESSAGE));
          if (!found.answer) return sendError(reply, request, 409, ANSWER_LOST_MESSAGE);
          return replay(reply, found.answer);
        }
        const keyed: IdempotentRequest = {
          ...ref, fingerprint, createdAt: now, expiresAt: now + ttlMs,
          render: rendererFor(request, reply), stored: 'none', recording: false, closed: false,
        };
        runningKeyed++;
        state.pending.set(request, keyed);
        // Everything the handler runs from here on carries the keyed request to the store.
        keyedRequests.run(keyed, done);
      },
      (error: unknown) => {
        state.inFlight.delete(id);
        done(error as Error);
      },
    );
  };

  // Every answer goes through onSend, errors and aborted requests' included: the key is let go
  // of there. (No onResponse hook: it would cost every request two listeners.)
  const onSend = (request: FastifyRequest, reply: FastifyReply, payload: unknown, done: (error: Error | null, payload: unknown) => void): void => {
    const keyed = state.pending.get(request);
    if (!keyed) return done(null, payload);
    if (KILL_AFTER_COMMIT_KEY !== null && keyed.key === KILL_AFTER_COMMIT_KEY && keyed.stored !== 'none') process.kill(process.pid, 'SIGKILL');
    const status = reply.statusCode;
    // A 5xx is not stored (a retry may succeed); a 409 is the key's own refusal.
    if (status >= 500 || status === 409 || typeof payload !== 'string') {
      finish(request);
      return done(null, payload);
    }
    const contentType = reply.getHeader('content-type');
    const answer: IdempotentAnswer = { status, body: payload, contentType: typeof contentType === 'string' ? contentType : null };
    storeAnswer(store, keyed, answer).then(
      () => {
        if (++state.stored % PURGE_EVERY === 0) {
          store.idempotency.purgeExpired(clock.nowMs()).catch((error: unknown) => request.log.warn({ err: error }, 'idempotency keys: purge failed'));
        }
      },
      // The write (if any) stands; a retry is refused as "answer lost", never applied twice.
      (error: unknown) => request.log.error({ err: error }, 'idempotency key: the answer could not be stored'),
    ).finally(() => {
      finish(request);
      done(null, payload);
    });
  };

  // On the POST and PATCH routes only: the reads, most of the traffic, run neither hook. First
  // among the route's own preValidation hooks (before the body is normalized: the fingerprint is
  // of the body as sent).
  scope.addHook('onRoute', (route) => {
    const methods = [route.method].flat();
    if (!methods.includes('POST') && !methods.includes('PATCH')) return;
    route.preValidation = [preValidation, ...[route.preValidation ?? []].flat()];
    route.onSend = [...[route.onSend ?? []].flat(), onSend as never];
  });
}

function replay(reply: FastifyReply, answer: IdempotentAnswer): void {
  reply.code(answer.status).header(REPLAYED_HEADER, 'true');
  if (answer.contentType !== null) reply.type(answer.contentType);
  void reply.send(answer.body);
}

/** Keyed requests running in this process, all apps together. */
let runningKeyed = 0;

interface IdempotencyState {
  /** `scope\nkey` of the keyed requests running in this process. */
  inFlight: Set<string>;
  pending: Map<FastifyRequest, IdempotentRequest>;
  stored: number;
}

/** One state per app: /v2 and /admin/v1 share the in-flight keys (their scopes never collide anyway). */
const states = new WeakMap<object, IdempotencyState>();

function sharedState(app: FastifyInstance): IdempotencyState {
  let state = states.get(app.parley);
  if (!state) {
    state = { inFlight: new Set(), pending: new Map(), stored: 0 };
    states.set(app.parley, state);
  }
  return state;
}
