import { sql } from 'kysely';
import type { OrderDeliveryStore } from '../domain/order-delivery-ports.js';
import type { Db } from './kysely-store.js';

/**
 * Events carry no order column: an event is about an order when its stored body matches one of
 * the given LIKE patterns (bodies are compact JSON with keys in a fixed order). The seller and the
 * order's creation time narrow the scan to the events that could be about it.
 */
export function orderDeliveryStore(db: Db): OrderDeliveryStore {
  return {
    async list({ sellerId, since, bodyPatterns, limit }) {
      if (bodyPatterns.length === 0) return [];
      const lastAttempt = (column: 'status_code' | 'error') =>
        sql<never>`(select a.${sql.ref(column)} from webhook_attempts a where a.delivery_id = d.id order by a.id desc limit 1)`;
      const rows = await db
        .selectFrom('webhook_events as e')
        .innerJoin('webhook_deliveries as d', 'd.event_id', 'e.id')
        .innerJoin('webhook_endpoints as ep', 'ep.id', 'd.endpoint_id')
        .select([
          'd.id', 'd.event_id', 'e.topic', 'd.endpoint_id', 'ep.url as endpoint_url', 'd.state', 'd.attempts',
          'd.created_at', 'd.finished_at', 'e.payload as body',
          lastAttempt('status_code').as('last_status_code'), lastAttempt('error').as('last_error'),
        ])
        .where('e.user_id', '=', sellerId)
        .where('e.created_at', '>=', since)
        .where((eb) => eb.or(bodyPatterns.map((pattern) => sql<boolean>`e.payload like ${pattern} escape '\\'`)))
        .orderBy('d.id', 'desc')
        .limit(limit)
        .execute();
      return rows.map((row) => ({
        ...row,
        last_status_code: row.last_status_code === null ? null : Number(row.last_status_code),
        last_error: row.last_error as string | null,
      }));
    },
  };
}
