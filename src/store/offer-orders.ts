import type { Db } from './kysely-store.js';

/**
 * The orders bought from each offer (table offer_orders, migration 0011): a purchase adds one
 * row, so it writes the same few bytes whatever the offer has sold before; offers read theirs by
 * key, oldest (lowest id) first. `kind` is the offer's: 'account', 'item' or 'currency'.
 */
export type OfferOrderKind = 'account' | 'item' | 'currency';

export async function addOfferOrder(db: Db, kind: OfferOrderKind, offerId: number, orderId: number): Promise<void> {
  await db.insertInto('offer_orders').values({ offer_kind: kind, offer_id: offerId, order_id: orderId }).execute();
}

/** Each offer's order ids, oldest first, in one query for all of them (every id in `offerIds` has an entry). */
export async function offerOrderIds(db: Db, kind: OfferOrderKind, offerIds: readonly number[]): Promise<Map<number, number[]>> {
  const byOffer = new Map<number, number[]>(offerIds.map((id) => [id, []]));
  if (offerIds.length === 0) return byOffer;
  const rows = await db.selectFrom('offer_orders').select(['offer_id', 'order_id'])
    .where('offer_kind', '=', kind)
    .where('offer_id', 'in', [...byOffer.keys()])
    .orderBy('offer_id').orderBy('order_id')
    .execute();
  for (const row of rows) byOffer.get(Number(row.offer_id))?.push(Number(row.order_id));
  return byOffer;
}

export async function hasOfferOrders(db: Db, kind: OfferOrderKind, offerId: number): Promise<boolean> {
  const row = await db.selectFrom('offer_orders').select('order_id')
    .where('offer_kind', '=', kind).where('offer_id', '=', offerId)
    .limit(1).executeTakeFirst();
  return row !== undefined;
}
