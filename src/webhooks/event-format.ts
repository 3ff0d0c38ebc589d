import type { DomainEvent } from '../domain/events.js';
import { TEST_TOPIC } from '../domain/events.js';
import type { OrderRecord } from '../domain/ports.js';
import { ORDER_KIND_APIS } from '../http/order-kinds/index.js';
import { toMessageResource } from '../http/resources/message-resource.js';
import type { FormattedEvent } from '../store/webhook-store.js';

/** The order as the API serves it, minus the credentials: webhook bodies are stored and must not carry secrets. */
function orderPayload(order: OrderRecord): Record<string, unknown> {
  const api = ORDER_KIND_APIS.find((a) => a.kind === order.kind)!;
  const resource = api.toResource(order);
  return 'credentials' in resource ? { ...resource, credentials: null } : resource;
}

/**
 * GameBoost's topics carry the order itself as payload; Parley's extension topics say which
 * kind of order they are about, since one topic serves all three.
 */
export function formatWebhookEvent(event: DomainEvent): FormattedEvent {
  switch (event.type) {
    case 'order.purchased':
      return { topic: `${event.order.kind}.order.purchased`, userId: event.order.seller_id, payload: orderPayload(event.order) };
    case 'order.status.updated':
      return {
        topic: 'order.status.updated',
        userId: event.order.seller_id,
        payload: { order_kind: event.order.kind, order: orderPayload(event.order) },
      };
    case 'order.message.created':
      return {
        topic: 'order.message.created',
        userId: event.order.seller_id,
        payload: { order_kind: event.order.kind, order_id: event.order.id, message: toMessageResource(event.message) },
      };
    case 'webhook.test':
      return {
        topic: TEST_TOPIC,
        userId: event.userId,
        endpointId: event.endpointId,
        payload: { endpoint_id: event.endpointId, message: 'This is a test event from Parley.' },
      };
  }
}
