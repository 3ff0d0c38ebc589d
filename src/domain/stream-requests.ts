import { ForbiddenError, ValidationError } from './errors.js';
import { WEBHOOK_TOPICS } from './events.js';
import { authorizeOrderAccess } from './order-access.js';
import type { OrderKind, Store } from './ports.js';
import type { Actor } from './users.js';

/**
 * A stream token's order (both fields or neither), checked as a read of that order would be:
 * 404 for no such order, 403 for someone else's.
 */
export async function streamTokenOrder(store: Store, actor: Actor, input: { order_kind?: OrderKind; order_id?: number }): Promise<{ kind: OrderKind; id: number } | null> {
  const { order_kind: kind, order_id: id } = input;
  if (kind === undefined && id === undefined) return null;
  if (kind === undefined) throw new ValidationError({ order_kind: ['The order kind field is required when order id is present.'] });
  if (id === undefined) throw new ValidationError({ order_id: ['The order id field is required when order kind is present.'] });
  await authorizeOrderAccess(store, actor, kind, id, 'read');
  return { kind, id };
}

/** A token for one order opens only that order's stream. */
export function assertTokenOpens(tokenOrder: { kind: OrderKind; id: number } | null, stream: { kind: OrderKind; id: number } | null): void {
  if (tokenOrder === null) return;
  if (stream === null || stream.kind !== tokenOrder.kind || stream.id !== tokenOrder.id) throw new ForbiddenError();
}

/** `Last-Event-ID` (header, else `?last_event_id=`): an event number, or null to start with the next event. */
export function parseLastEventId(header: string | undefined, query: string | undefined): number | null {
  const raw = (header ?? query ?? '').trim();
  if (raw === '') return null;
  if (!/^\d{1,15}$/.test(raw)) throw new ValidationError({ last_event_id: ['The last event id field must be an integer.'] });
  return Number(raw);
}

/** `?topics=a,b`: known webhook topics only; empty or absent: all. */
export function parseTopics(raw: string | undefined): ReadonlySet<string> | null {
  const topics = (raw ?? '').split(',').map((t) => t.trim()).filter((t) => t !== '');
  if (topics.length === 0) return null;
  if (topics.some((t) => !(WEBHOOK_TOPICS as readonly string[]).includes(t))) throw new ValidationError({ topics: ['The selected topics is invalid.'] });
  return new Set(topics);
}
