import { Type } from 'typebox';
import { WEBHOOK_TOPICS } from '../../domain/events.js';
import { errorResponses, Nullable, StringEnum } from '../common.js';
import { BEARER, JSON_OR_FORM, operation } from './operation.js';

const Strict = { additionalProperties: false } as const;

/** `parley webhooks trigger TOPIC`: a sample event at the caller's own endpoints (Parley extension). */
export const triggerWebhookEventOperation = operation('POST', '/webhook-events', {
  operationId: 'triggerWebhookEvent',
  tags: ['Webhooks'], security: BEARER, summary: "Fire a sample event of a topic at the caller's own webhook endpoints (Parley extension)",
  description: "Builds the topic's payload from the caller's newest matching record (the newest order of the kind for `*.order.purchased`, the newest order for " +
    '`order.status.updated`, its newest message for `order.message.created`, the newest dispute case as seller for the dispute topics), exactly as a real ' +
    "event would carry it, and queues it for the caller's enabled endpoints that take the topic. Nothing else changes, and it is not in the event streams " +
    "(they follow orders, and the order's buyer would see it). " +
    'A 422 names the record that is missing. `event_id` is null when no endpoint takes the topic (nothing was queued).',
  body: Type.Object({ topic: StringEnum(WEBHOOK_TOPICS, { description: 'The topic to sample' }) }),
  consumes: JSON_OR_FORM,
  response: {
    202: Type.Object({
      data: Type.Object({
        topic: StringEnum(WEBHOOK_TOPICS),
        event_id: Nullable(Type.String({ description: 'evt_...; null when no endpoint takes the topic' })),
        endpoints: Type.Integer({ minimum: 0, description: "The caller's enabled endpoints that take the topic" }),
      }, Strict),
    }, Strict),
    ...errorResponses(400, 401, 413, 415, 422, 429),
  },
});
