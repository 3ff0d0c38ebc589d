import type { OrderKind } from './ports.js';

/**
 * The event log behind the live streams: every committed event about an order (a message, a
 * status change, a purchase, a dispute), numbered in commit order by a per-deployment sequence
 * (`seq`), kept for a retention period so that a client can resume where it stopped.
 */
export interface LoggedEvent {
  /** The deployment's sequence number: commit order, never reused (the stream's event id). */
  seq: number;
  /** The webhook topic (`order.message.created`, `account.order.purchased`, ...). */
  topic: string;
  order_kind: OrderKind;
  order_id: number;
  seller_id: number;
  buyer_id: number;
  /** The webhook delivery's `payload`, as compact JSON: the very bytes a webhook carries. */
  payload: string;
}

/** Whose events a read covers: one order's, those of the orders a user sells or buys, or all. */
export type EventScope =
  | { kind: 'order'; orderKind: OrderKind; orderId: number }
  | { kind: 'user'; userId: number }
  | { kind: 'all' };

export interface EventLogStore {
  /**
   * Numbered events of `scope` after `afterSeq` and up to `throughSeq` (all when omitted), oldest
   * first, at most `limit`. A scoped read has no index: it reads every event of the range, so
   * callers bound the range (see the stream hub's replay).
   */
  read(scope: EventScope, afterSeq: number, limit: number, throughSeq?: number): Promise<LoggedEvent[]>;
  /** The highest number given so far (0: none). */
  head(): Promise<number>;
  /** Events up to this number may have been pruned: a client behind it must reload. */
  prunedThrough(): Promise<number>;
  /**
   * Numbers the committed events that have none yet (PostgreSQL, where numbers are given after
   * the commit, one run at a time, so that they follow commit order); answers whether more are
   * waiting than one run numbers. SQLite numbers at insert (one writer): nothing to do.
   */
  sequence(): Promise<{ pending: boolean }>;
  /** Deletes up to `limit` numbered events created before `cutoffSeconds`, oldest first; answers how many. */
  prune(cutoffSeconds: number, limit: number): Promise<number>;
}

/**
 * The order an event is about: `order` for orders and messages, `dispute` (order_kind, order_id)
 * for disputes; null for events about no order (webhook tests).
 */
export function orderOfEvent(event: object): { kind: OrderKind; id: number } | null {
  const fields = event as { order?: { kind?: unknown; id?: unknown }; dispute?: { order_kind?: unknown; order_id?: unknown } };
  if (fields.order && typeof fields.order.id === 'number' && typeof fields.order.kind === 'string') {
    return { kind: fields.order.kind as OrderKind, id: fields.order.id };
  }
  if (fields.dispute && typeof fields.dispute.order_id === 'number' && typeof fields.dispute.order_kind === 'string') {
    return { kind: fields.dispute.order_kind as OrderKind, id: fields.dispute.order_id };
  }
  return null;
}
