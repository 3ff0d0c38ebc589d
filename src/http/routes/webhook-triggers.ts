import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { triggerWebhookEventOperation as op } from '../../contract/operations/webhook-triggers.js';
import { triggerSampleEvent } from '../../domain/webhook-triggers.js';

/** POST /v2/webhook-events: a sample event for the caller (src/domain/webhook-triggers.ts). */
export const webhookTriggerRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { store } = app.parley;
  app.post(op.url, { schema: op.schema }, async (request, reply) => {
    const { topic } = request.body;
    const triggered = await triggerSampleEvent(store, request.actor.user, topic);
    return reply.code(202).send({ data: { topic, event_id: triggered.eventId, endpoints: triggered.endpoints } });
  });
};
