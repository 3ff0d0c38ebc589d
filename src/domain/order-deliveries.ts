import { NotFoundError } from './errors.js';
import type { OrderDeliveryRecord } from './order-delivery-ports.js';
import type { OrderKind, Store } from './ports.js';

/** At most this many, newest first: a console's view of one order, not an export. */
export const ORDER_DELIVERIES_LIMIT = 100;

/** The webhook deliveries of the events about one order (admin); 404 for no such order. */
export async function listOrderDeliveries(
  store: Store,
  kind: OrderKind,
  id: number,
  bodyPatterns: (kind: OrderKind, id: number) => string[],
): Promise<OrderDeliveryRecord[]> {
  const order = await store.orders.findById(kind, id);
  if (!order) throw new NotFoundError();
  return store.orderDeliveries.list({
    sellerId: order.seller_id,
    since: order.created_at,
    bodyPatterns: bodyPatterns(kind, id),
    limit: ORDER_DELIVERIES_LIMIT,
  });
}
