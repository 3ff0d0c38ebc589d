import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { eventsStreamOperation, orderStreamOperations, streamTokenOperation } from '../../contract/operations/streams.js';
import { ORDER_KIND_APIS } from '../../contract/order-kinds/index.js';
import { authorizeOrderAccess } from '../../domain/order-access.js';
import { parseResourceId } from '../../domain/orders.js';
import { assertTokenOpens, parseLastEventId, parseTopics, streamTokenOrder } from '../../domain/stream-requests.js';
import type { LiveStreams } from '../../live/live-streams.js';
import type { StreamSpec } from '../../live/stream-hub.js';
import { StreamConnection } from '../../live/stream-connection.js';
import { streamSubject, type StreamGrant } from '../../live/stream-tokens.js';
import { authenticationHook } from '../authentication.js';
import { TooManyRequestsError } from '../http-errors.js';
import { rateLimitHook } from '../rate-limiting.js';

/** What a 429 for one stream too many tells the client to wait: a slot frees when a stream closes. */
const STREAM_LIMIT_RETRY_AFTER_SECONDS = 5;

function liveOf(app: FastifyInstance): LiveStreams {
  const live = app.parley.live;
  if (!live) throw new Error('stream routes need context.live');
  return live;
}

/** `POST /v2/stream-tokens`, inside /v2 (Bearer only: a stream token never mints another). */
export const streamTokenRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const live = liveOf(app);
  const { store } = app.parley;
  app.post(streamTokenOperation.url, { schema: streamTokenOperation.schema }, async (request, reply) => {
    const order = await streamTokenOrder(store, request.actor, request.body ?? {});
    const { token, expiresAtMs } = live.tokens.mint(request.actor, order);
    reply.code(201);
    return { data: { token, expires_at: new Date(expiresAtMs).toISOString() } };
  });
};

/**
 * The stream routes: a Bearer key as on /v2, or `?stream_token=`, which authenticates these
 * routes and nothing else. The grant of a token travels to the handler beside the request.
 */
export const streamRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const live = liveOf(app);
  const { store } = app.parley;
  const grants = new WeakMap<FastifyRequest, StreamGrant>();
  const bearer = authenticationHook(app, { adminOnly: false });
  app.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => {
    const token = (request.query as Record<string, unknown> | undefined)?.stream_token;
    if (typeof token !== 'string' || token === '') return bearer(request, reply, done);
    reply.header('Cache-Control', 'no-store');
    live.tokens.resolve(store, token).then(
      (grant) => {
        request.actor = grant.actor;
        grants.set(request, grant);
        done();
      },
      (error: unknown) => done(error as Error),
    );
  });
  if (Object.values(app.parley.rateLimits).some((limit) => limit > 0)) app.addHook('onRequest', rateLimitHook(app));
  // Open streams would hold the server's close forever: they are reset first.
  app.addHook('preClose', (done) => {
    live.hub.close();
    done();
  });

  /** Checks done (errors answer as usual): the response becomes the stream. */
  const open = async (request: FastifyRequest, reply: FastifyReply, spec: Omit<StreamSpec, 'subject'>, lastEventId: number | null) => {
    const subject = streamSubject(request.actor);
    if (!live.hub.reserve(subject)) throw new TooManyRequestsError(STREAM_LIMIT_RETRY_AFTER_SECONDS);
    // Where a new stream starts is read before the headers go out: a client that sends right
    // after seeing them (PostgreSQL numbers events after their commit) must still get the event.
    let startAfter: number | null;
    try {
      startAfter = lastEventId === null ? await live.hub.position() : null;
    } catch (error) {
      live.hub.release(subject);
      throw error;
    }
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, {
      ...(reply.getHeaders() as Record<string, string | number | string[]>),
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      // Reverse proxies (nginx) pass events on at once instead of buffering them.
      'x-accel-buffering': 'no',
    });
    raw.flushHeaders();
    request.raw.socket?.setTimeout(0);
    void live.hub.open({ ...spec, subject }, new StreamConnection(raw, live.settings.bufferBytes), lastEventId, startAfter);
  };
  const lastEventIdOf = (request: FastifyRequest) =>
    parseLastEventId(request.headers['last-event-id'] as string | undefined, (request.query as { last_event_id?: string }).last_event_id);

  orderStreamOperations.forEach((op, i) => {
    const api = ORDER_KIND_APIS[i]!;
    // No HEAD twin: a HEAD would hold a stream slot open with nothing to read.
    app.get(op.url, { schema: op.schema, exposeHeadRoute: false }, async (request, reply) => {
      const id = parseResourceId((request.params as Record<string, string>)[api.param]!);
      assertTokenOpens(grants.get(request)?.order ?? null, { kind: api.kind, id });
      await authorizeOrderAccess(store, request.actor, api.kind, id, 'read');
      await open(request, reply, { scope: { kind: 'order', orderKind: api.kind, orderId: id }, format: 'order', topics: null }, lastEventIdOf(request));
    });
  });

  app.get(eventsStreamOperation.url, { schema: eventsStreamOperation.schema, exposeHeadRoute: false }, async (request, reply) => {
    assertTokenOpens(grants.get(request)?.order ?? null, null);
    const topics = parseTopics((request.query as { topics?: string }).topics);
    const actor = request.actor;
    const scope = actor.isAdmin ? { kind: 'all' as const } : { kind: 'user' as const, userId: actor.user.id };
    await open(request, reply, { scope, format: 'events', topics }, lastEventIdOf(request));
  });
};
