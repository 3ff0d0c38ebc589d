import type { DomainEvent } from '../domain/events.js';
import type { PublishedChange } from './change-feed.js';

/** The notification a committed domain event gives other instances, if any. */
export function changeOf(event: DomainEvent): PublishedChange | null {
  switch (event.type) {
    case 'order.message.created':
      return { type: 'order.message.created', orderId: event.order.id, kind: event.order.kind, messageId: event.message.id };
    case 'order.status.updated':
      return { type: 'order.status.updated', orderId: event.order.id, kind: event.order.kind, status: event.order.status };
    // A new order, a webhook test and a dispute's case concern no open chat.
    case 'order.purchased':
    case 'webhook.test':
    case 'webhook.sample':
    case 'order.dispute.created':
    case 'order.dispute.updated':
      return null;
  }
}
