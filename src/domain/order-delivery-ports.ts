import type { OrderKind } from './ports.js';

/** One webhook delivery of an event about an order, with its latest attempt. */
export interface OrderDeliveryRecord {
  id: number;
  event_id: string;
  topic: string;
  endpoint_id: number;
  endpoint_url: string;
  /** pending, succeeded or failed (the delivery queue's states). */
  state: string;
  attempts: number;
  last_status_code: number | null;
  last_error: string | null;
  created_at: number;
  finished_at: number | null;
  /** The JSON body as delivered (and signed). */
  body: string;
}

export interface OrderDeliveryQuery {
  /** The seller: every event about the order is addressed to them. */
  sellerId: number;
  /** Events made at or after this (unix seconds): none about an order predates it. */
  since: number;
  /** SQL LIKE patterns (escape `\`) of the event bodies about the order, one per topic (contract/order-deliveries.ts). */
  bodyPatterns: string[];
  limit: number;
}

export interface OrderDeliveryStore {
  /** The deliveries of the events matching the query, newest first. */
  list(query: OrderDeliveryQuery): Promise<OrderDeliveryRecord[]>;
}
