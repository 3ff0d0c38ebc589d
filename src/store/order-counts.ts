import { sql } from 'kysely';
import type { OrderListQuery } from '../domain/ports.js';
import type { Db } from './kysely-store.js';

/**
 * `order_counts` holds how many orders each (kind, seller, status) has. Every write that adds an
 * order or moves its status calls `countOrder` in the same transaction, so the table is always
 * exactly `select kind, seller_id, status, count(*) from orders group by 1, 2, 3`.
 */
export async function countOrder(db: Db, order: { kind: string; seller_id: number; status: string }, delta: 1 | -1): Promise<void> {
  await db
    .insertInto('order_counts')
    .values({ kind: order.kind, seller_id: order.seller_id, status: order.status, n: delta })
    .onConflict((oc) => oc.columns(['kind', 'seller_id', 'status']).doUpdateSet({ n: sql<number>`order_counts.n + ${delta}` }))
    .execute();
}

/** Whether the list's total can come from `order_counts`: no filter but status (and the seller scope). */
export function countableFromTable(query: OrderListQuery): boolean {
  return query.offerId === undefined && !query.offerIds && !query.ids && !query.buyerIds && !query.gameIds && query.dateRanges.length === 0 && query.search === undefined;
}

export async function countFromTable(db: Db, query: OrderListQuery): Promise<number> {
  let q = db.selectFrom('order_counts').select((eb) => eb.fn.sum<number>('n').as('total')).where('kind', '=', query.kind);
  if (query.sellerId !== null) q = q.where('seller_id', '=', query.sellerId);
  if (query.statuses) q = q.where('status', 'in', query.statuses);
  const row = await q.executeTakeFirst();
  return Number(row?.total ?? 0);
}
