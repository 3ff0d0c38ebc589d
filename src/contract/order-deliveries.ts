import { Type, type Static } from 'typebox';
import type { OrderDeliveryRecord } from '../domain/order-delivery-ports.js';
import type { OrderKind } from '../domain/ports.js';
import { Nullable, StringEnum } from './common.js';

/**
 * The first bytes of each stored event body about one order, by topic: formatWebhookEvent
 * writes compact JSON with the keys in a fixed order, the order's id first among them.
 */
export function orderEventBodyPrefixes(kind: OrderKind, id: number): string[] {
  return [
    `{"event":"${kind}.order.purchased","payload":{"id":${id},`,
    `{"event":"order.status.updated","payload":{"order_kind":"${kind}","order":{"id":${id},`,
    `{"event":"order.message.created","payload":{"order_kind":"${kind}","order_id":${id},`,
  ];
}

export const OrderWebhookDeliverySchema = Type.Object(
  {
    id: Type.Integer({ description: 'Delivery id' }),
    event_id: Type.String({ description: 'The event, evt_...; replay it with POST /admin/v1/webhook-events/{event}/replay' }),
    topic: Type.String({ examples: ['order.message.created'] }),
    endpoint_id: Type.Integer(),
    endpoint_url: Type.String(),
    state: StringEnum(['pending', 'succeeded', 'failed'] as const, { description: 'pending until delivered (succeeded) or out of retries (failed)' }),
    attempts: Type.Integer({ description: 'Attempts made so far' }),
    last_status_code: Nullable(Type.Integer({ description: "The latest attempt's HTTP status; null before any, or when no answer came" })),
    last_error: Nullable(Type.String({ description: "Why the latest attempt failed, if it did" })),
    created_at: Type.Integer({ description: 'Unix seconds: when the delivery was queued' }),
    finished_at: Nullable(Type.Integer({ description: 'Unix seconds: when it succeeded or failed for good' })),
    body: Type.Object({ event: Type.String(), payload: Type.Unknown() }, { additionalProperties: false, description: 'The JSON body as delivered and signed' }),
  },
  { additionalProperties: false, description: 'One webhook delivery of an event about the order' },
);

export function toOrderWebhookDeliveryResource(record: OrderDeliveryRecord): Static<typeof OrderWebhookDeliverySchema> {
  return {
    id: record.id,
    event_id: record.event_id,
    topic: record.topic,
    endpoint_id: record.endpoint_id,
    endpoint_url: record.endpoint_url,
    state: record.state as Static<typeof OrderWebhookDeliverySchema>['state'],
    attempts: record.attempts,
    last_status_code: record.last_status_code,
    last_error: record.last_error,
    created_at: record.created_at,
    finished_at: record.finished_at,
    body: JSON.parse(record.body) as { event: string; payload: unknown },
  };
}
