import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { toWebhookEndpointResource } from '../../../contract/admin.js';
import { adminWebhookOperations as ops } from '../../../contract/operations/admin.js';
import type { WebhookTopic } from '../../../domain/events.js';
import { parseResourceId } from '../../../domain/orders.js';
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
import { assertValidRequest } from '../../validation.js';

/** Webhook endpoints per seller, their delivery log, test events and replays. */
export const adminWebhookRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { store, webhookSettings } = app.parley;

  app.post(ops.createEndpoint.url, { attachValidation: true, schema: ops.createEndpoint.schema }, async (request, reply) => {
    const userId = parseResourceId(request.params.user);
    const owner = await getUser(store, userId);
    await assertValidRequest(request, (fields) => checkWebhookEndpointInput(webhookSettings, fields as { url?: string }, owner));
    const { endpoint, secret } = await createWebhookEndpoint(store, webhookSettings, userId, {
      ...request.body,
      events: request.body.events as WebhookTopic[],
    });
    return reply.code(201).send({ data: { ...toWebhookEndpointResource(endpoint), secret } });
  });

  app.get(ops.listEndpoints.url, { schema: ops.listEndpoints.schema }, async (request) => {
    const user = await getUser(store, parseResourceId(request.params.user));
    return { data: (await store.webhooks.listEndpoints(user.id)).map(toWebhookEndpointResource) };
  });

  app.patch(ops.updateEndpoint.url, { attachValidation: true, schema: ops.updateEndpoint.schema }, async (request) => {
    const id = parseResourceId(request.params.endpoint);
    const current = await getWebhookEndpoint(store, id);
    await assertValidRequest(request, (fields) =>
      checkWebhookEndpointInput(webhookSettings, fields as { url?: string; disabled?: boolean }, undefined, current));
    const body = request.body;
    const updated = await updateWebhookEndpoint(store, webhookSettings, id, { ...body, events: body.events as WebhookTopic[] | undefined });
    return { data: toWebhookEndpointResource(updated) };
  });

  app.delete(ops.deleteEndpoint.url, { schema: ops.deleteEndpoint.schema }, async (request, reply) => {
    await deleteWebhookEndpoint(store, parseResourceId(request.params.endpoint));
    return reply.code(204).send(null);
  });

  app.post(ops.rotateSecret.url, { attachValidation: true, schema: ops.rotateSecret.schema }, async (request) => {
    const id = parseResourceId(request.params.endpoint);
    await getWebhookEndpoint(store, id);
    await assertValidRequest(request);
    const { endpoint, secret } = await rotateWebhookSecret(store, webhookSettings, id, request.body ?? {});
    return { data: { ...toWebhookEndpointResource(endpoint), secret } };
  });

  app.post(ops.sendTest.url, { schema: ops.sendTest.schema }, async (request, reply) => {
    const eventId = await sendTestEvent(store, parseResourceId(request.params.endpoint));
    return reply.code(202).send({ data: { event_id: eventId } });
  });

  app.get(ops.listDeliveries.url, { schema: ops.listDeliveries.schema }, async (request) => {
    const id = parseResourceId(request.params.endpoint);
    await getWebhookEndpoint(store, id);
    const q = request.query;
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

  app.post(ops.replayEvent.url, { schema: ops.replayEvent.schema }, async (request, reply) => {
    const { deliveries } = await replayWebhookEvent(store, request.params.event);
    return reply.code(202).send({ data: { event_id: request.params.event, deliveries } });
  });
};
