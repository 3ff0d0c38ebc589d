import type { DisputeCaseRecord } from './dispute-ports.js';
import { ValidationError } from './errors.js';
import type { DomainEvent, WebhookTopic } from './events.js';
import { ORDER_KINDS, type OrderKind, type OrderRecord, type Store } from './ports.js';
import type { User } from './users.js';

/**
 * `parley webhooks trigger` (POST /v2/webhook-events): a sample event of a topic for the caller's
 * endpoints, built from the caller's newest matching records so its payload is exactly what a
 * real event of that topic carries. It changes nothing else: it is a `webhook.sample` event,
 * which names no order, so neither live chat views nor the event log (whose streams the order's
 * buyer also reads) take it.
 */
export interface TriggeredEvent {
  /** null when none of the caller's endpoints takes the topic (nothing was queued for delivery). */
  eventId: string | null;
  /** The caller's enabled endpoints that take the topic. */
  endpoints: number;
}

const unavailable = (why: string) => new ValidationError({ topic: [why] });

async function newestOrder(store: Store, sellerId: number, kinds: readonly OrderKind[]): Promise<OrderRecord | undefined> {
  const newest = await Promise.all(kinds.map(async (kind) => (await store.orders.list({
    kind, sellerId, dateRanges: [], sort: [{ column: 'created_at', direction: 'desc' }, { column: 'id', direction: 'desc' }], offset: 0, limit: 1,
  })).rows[0]));
  return newest.filter((o): o is OrderRecord => o !== undefined).sort((a, b) => b.created_at - a.created_at || b.id - a.id)[0];
}

async function newestDispute(store: Store, user: User): Promise<DisputeCaseRecord> {
  const dispute = (await store.disputes.list({ partyId: user.id, offset: 0, limit: 1 })).rows.find((d) => d.seller_id === user.id);
  if (!dispute) throw unavailable('You have no dispute case to sample: open one on one of your orders first.');
  return dispute;
}

/** The event a real change would have published, from the caller's newest records. */
async function sampleOf(store: Store, user: User, topic: WebhookTopic): Promise<DomainEvent> {
  const purchased = /^(account|item|currency)\.order\.purchased$/.exec(topic);
  if (purchased) {
    const kind = purchased[1] as OrderKind;
    const order = await newestOrder(store, user.id, [kind]);
    if (!order) throw unavailable(`You have no ${kind} order to sample: create or buy one first.`);
    return { type: 'order.purchased', order };
  }
  if (topic === 'order.status.updated' || topic === 'order.message.created') {
    const order = await newestOrder(store, user.id, ORDER_KINDS);
    if (!order) throw unavailable('You have no order to sample: create or buy one first.');
    if (topic === 'order.status.updated') return { type: 'order.status.updated', order };
    const message = (await store.messages.listThread(order.kind, order.id)).at(-1);
    if (!message) throw unavailable(`Your newest order (${order.kind} order ${order.id}) has no message to sample: send one first.`);
    return { type: 'order.message.created', order: { kind: order.kind, id: order.id, seller_id: order.seller_id }, message };
  }
  const dispute = await newestDispute(store, user);
  const events = await store.disputes.listEvents(dispute.id);
  const at = store.clock.now();
  if (topic === 'order.dispute.created') return { type: 'order.dispute.created', dispute, events, at };
  const event = events.at(-1);
  if (!event) throw unavailable('Your newest dispute case has no timeline event to sample.');
  return { type: 'order.dispute.updated', dispute, events, event, at };
}

export async function triggerSampleEvent(store: Store, user: User, topic: WebhookTopic): Promise<TriggeredEvent> {
  const sample = await sampleOf(store, user, topic);
  const endpoints = (await store.webhooks.listEndpoints(user.id)).filter((e) => e.disabled_at === null && e.events.includes(topic)).length;
  const eventId = await store.transaction((tx) => tx.outbox.publish({ type: 'webhook.sample', userId: user.id, event: sample }));
  return { eventId, endpoints };
}
