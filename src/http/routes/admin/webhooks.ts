import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { WEBHOOK_TOPICS, type WebhookTopic } from '../../../domain/events.js';
import { parseResourceId } from '../../../domain/orders.js';
import type { WebhookEndpointRecord } from '../../../domain/ports.js';
import { getUser } from '../../../domain/user-accounts.js';
import {
  checkWebhookEndpointInput,
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  getWebhookEndpoint,
  replayWebhookEvent,
  rotateWebhookSecret,
  sendTestEvent,
  updateWebhookEndpoint,
} from '../../../domain/webhook-endpoints.js';
import { paginate } from '../../pagination.js';
import { errorResponses, IdParam, Nullable, StringEnum } from '../../schemas/common.js';
import { Paginated } from '../../schemas/pagination.js';
import { assertValidRequest } from '../../validation.js';

const tags = ['Webhooks'];
const security = [{ BearerToken: [] }];
const Strict = { additionalProperties: false } as const;

const Topics = Type.Array(StringEnum(WEBHOOK_TOPICS), { minItems: 1, maxItems: WEBHOOK_TOPICS.length });
const Secret = Type.String({ minLength: 16, maxLength: 255, description: 'A caller-chosen secret (some receivers already hold one); default: a generated whsec_ secret' });

const EndpointSchema = Type.Object(
  {
    id: Type.Integer(),
    user_id: Type.Integer(),
    url: Type.String(),
    description: Nullable(Type.String()),
    events: Type.Array(Type.String()),
    disabled: Type.Boolean(),
    disabled_reason: Nullable(Type.String()),
    previous_secret_expires_at: Nullable(Type.Integer({ description: 'Until then the old secret signs too' })),
    created_at: Type.Integer(),
    updated_at: Type.Integer(),
  },
  Strict,
);
const EndpointWithSecret = Type.Object({ ...EndpointSchema.properties, secret: Type.String({ description: 'Shown once' }) }, Strict);

const AttemptSchema = Type.Object(
  {
    id: Type.Integer(),
    event_id: Type.String(),
    topic: Type.String(),
    attempt: Type.Integer(),
    attempted_at: Type.Integer({ description: 'Unix seconds' }),
    status_code: Nullable(Type.Integer()),
    duration_ms: Type.Integer(),
    error: Nullable(Type.String()),
  },
  Strict,
);

function toEndpointResource(e: WebhookEndpointRecord) {
  return {
    id: e.id,
    user_id: e.user_id,
    url: e.url,
    description: e.description,
    events: e.events,
    disabled: e.disabled_at !== null,
    disabled_reason: e.disabled_reason,
    previous_secret_expires_at: e.previous_secret_expires_at,
    created_at: e.created_at,
    updated_at: e.updated_at,
  };
}

/** Webhook endpoints per seller, their delivery log, test events and replays. */
export const adminWebhookRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { store, webhookSettings } = app.parley;
  const endpointId = (params: unknown) => parseResourceId((params as { endpoint: string }).endpoint);
  const EndpointParams = IdParam('endpoint', 'Webhook endpoint id');

  app.post('/users/:user/webhook-endpoints', {
    attachValidation: true,
    schema: {
      tags, security, summary: "Create a webhook endpoint for a seller; the secret is returned once",
      params: IdParam('user', 'Seller id'),
      body: Type.Object({
        url: Type.String({ maxLength: 2048 }),
        description: Type.Optional(Nullable(Type.String({ maxLength: 255 }))),
        events: Topics,
        secret: Type.Optional(Nullable(Secret)),
      }),
      response: { 201: Type.Object({ data: EndpointWithSecret }, Strict), ...errorResponses(400, 401, 403, 404, 413, 415, 422) },
    },
  }, async (request, reply) => {
    const userId = parseResourceId(request.params.user);
    const owner = await getUser(store, userId);
    await assertValidRequest(request, (fields) => checkWebhookEndpointInput(webhookSettings, fields as { url?: string }, owner));
    const { endpoint, secret } = await createWebhookEndpoint(store, webhookSettings, userId, {
      ...request.body,
      events: request.body.events as WebhookTopic[],
    });
    return reply.code(201).send({ data: { ...toEndpointResource(endpoint), secret } });
  });

  app.get('/users/:user/webhook-endpoints', {
    schema: {
      tags, security, summary: "List a seller's webhook endpoints",
      params: IdParam('user', 'Seller id'),
      response: { 200: Type.Object({ data: Type.Array(EndpointSchema) }, Strict), ...errorResponses(401, 403, 404) },
    },
  }, async (request) => {
    const user = await getUser(store, parseResourceId(request.params.user));
    return { data: (await store.webhooks.listEndpoints(user.id)).map(toEndpointResource) };
  });

  app.patch('/webhook-endpoints/:endpoint', {
    attachValidation: true,
    schema: {
      tags, security, summary: 'Change a webhook endpoint',
      params: EndpointParams,
      body: Type.Object({
        url: Type.Optional(Type.String({ maxLength: 2048 })),
        description: Type.Optional(Nullable(Type.String({ maxLength: 255 }))),
        events: Type.Optional(Topics),
        disabled: Type.Optional(Type.Boolean()),
      }),
      response: { 200: Type.Object({ data: EndpointSchema }, Strict), ...errorResponses(400, 401, 403, 404, 413, 415, 422) },
    },
  }, async (request) => {
    const id = endpointId(request.params);
    await getWebhookEndpoint(store, id);
    await assertValidRequest(request, (fields) => checkWebhookEndpointInput(webhookSettings, fields as { url?: string }));
    const body = request.body;
    const updated = await updateWebhookEndpoint(store, webhookSettings, id, { ...body, events: body.events as WebhookTopic[] | undefined });
    return { data: toEndpointResource(updated) };
  });

  app.delete('/webhook-endpoints/:endpoint', {
    schema: {
      tags, security, summary: 'Delete a webhook endpoint; pending deliveries to it stop',
      params: EndpointParams,
      response: { 204: Type.Null({ description: 'Deleted' }), ...errorResponses(401, 403, 404) },
    },
  }, async (request, reply) => {
    await deleteWebhookEndpoint(store, endpointId(request.params));
    return reply.code(204).send(null);
  });

  app.post('/webhook-endpoints/:endpoint/rotate-secret', {
    attachValidation: true,
    schema: {
      tags, security, summary: 'Rotate the signing secret; the old one keeps signing during the grace period',
      params: EndpointParams,
      body: Type.Optional(Type.Object({
        secret: Type.Optional(Nullable(Secret)),
        grace_period_seconds: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 30 * 86400, description: 'Default PARLEY_WEBHOOK_SECRET_GRACE_SECONDS (a day)' }))),
      })),
      response: { 200: Type.Object({ data: EndpointWithSecret }, Strict), ...errorResponses(400, 401, 403, 404, 413, 415, 422) },
    },
  }, async (request) => {
    const id = endpointId(request.params);
    await getWebhookEndpoint(store, id);
    await assertValidRequest(request);
    const { endpoint, secret } = await rotateWebhookSecret(store, webhookSettings, id, request.body ?? {});
    return { data: { ...toEndpointResource(endpoint), secret } };
  });

  app.post('/webhook-endpoints/:endpoint/test', {
    schema: {
      tags, security, summary: 'Queue a webhook.test event for this endpoint',
      params: EndpointParams,
      response: { 202: Type.Object({ data: Type.Object({ event_id: Type.String() }, Strict) }, Strict), ...errorResponses(400, 401, 403, 404, 413, 415) },
    },
  }, async (request, reply) => {
    const eventId = await sendTestEvent(store, endpointId(request.params));
    return reply.code(202).send({ data: { event_id: eventId } });
  });

  app.get('/webhook-endpoints/:endpoint/deliveries', {
    schema: {
      tags, security, summary: 'The delivery log: every attempt, newest first',
      params: EndpointParams,
      querystring: Type.Object({
        page: Type.Optional(Type.String()),
        per_page: Type.Optional(Type.String({ description: '1 to 100, default 50' })),
      }, { additionalProperties: true }),
      response: { 200: Paginated(AttemptSchema), ...errorResponses(401, 403, 404) },
    },
  }, async (request) => {
    const id = endpointId(request.params);
    await getWebhookEndpoint(store, id);
    const q = request.query as Record<string, string | undefined>;
    const page = /^\d{1,6}$/.test(q.page ?? '') && Number(q.page) > 0 ? Number(q.page) : 1;
    const perPage = /^\d{1,3}$/.test(q.per_page ?? '') ? Math.min(100, Math.max(1, Number(q.per_page))) : 50;
    const { rows, total } = await store.webhooks.listAttempts(id, (page - 1) * perPage, perPage);
    return {
      data: rows.map((r) => ({
        id: r.id, event_id: r.event_id, topic: r.topic, attempt: r.attempt, attempted_at: Math.floor(r.attempted_at_ms / 1000),
        status_code: r.status_code, duration_ms: r.duration_ms, error: r.error,
      })),
      ...paginate(request, { total, page, perPage, count: rows.length }),
    };
  });

  app.post('/webhook-events/:event/replay', {
    schema: {
      tags, security, summary: 'Deliver an event again to every endpoint of its seller that takes its topic',
      params: Type.Object({ event: Type.String({ description: 'Event id, evt_...' }) }),
      response: { 202: Type.Object({ data: Type.Object({ event_id: Type.String(), deliveries: Type.Integer() }, Strict) }, Strict), ...errorResponses(400, 401, 403, 404, 413, 415) },
    },
  }, async (request, reply) => {
    const { deliveries } = await replayWebhookEvent(store, request.params.event);
    return reply.code(202).send({ data: { event_id: request.params.event, deliveries } });
  });
};

