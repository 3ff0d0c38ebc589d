import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import { deliveryTimeSeconds, type DeliveryTimeUnit } from '../domain/delivery-time.js';
import type {
  ItemCurrencyOfferFields,
  ItemCurrencyOfferKind,
  ItemCurrencyOfferListQuery,
  ItemCurrencyOfferRecord,
  ItemCurrencyOfferStatus,
  ItemCurrencyOfferStore,
  ItemCurrencyOfferWithoutOrders,
} from '../domain/ports.js';
import { addOfferOrder, offerOrderIds } from './offer-orders.js';
import type { Database, ItemCurrencyOffersTable } from './schema.js';

type Db = Kysely<Database> | Transaction<Database>;
type OfferRow = Selectable<ItemCurrencyOffersTable> & { game_name: string; game_slug: string };

function toOffer(row: OfferRow): ItemCurrencyOfferWithoutOrders {
  return {
    id: Number(row.id),
    kind: row.kind as ItemCurrencyOfferKind,
    seller_id: Number(row.seller_id),
    game_id: Number(row.game_id),
    game: { id: Number(row.game_id), name: row.game_name, slug: row.game_slug },
    external_id: row.external_id,
    title: row.title,
    slug: row.slug,
    description: row.description,
    parameters: JSON.parse(row.parameters) as Record<string, unknown>,
    status: row.status as ItemCurrencyOfferStatus,
    delivery_time_duration: Number(row.delivery_time_duration),
    delivery_time_unit: row.delivery_time_unit as DeliveryTimeUnit,
    delivery_instructions: row.delivery_instructions,
    stock: Number(row.stock),
    min_quantity: Number(row.min_quantity),
    price_amount: Number(row.price_amount),
    price_usd_amount: Number(row.price_usd_amount),
    views: Number(row.views),
    image_urls: JSON.parse(row.image_urls) as string[],
    details: JSON.parse(row.details) as Record<string, unknown>,
    created_at: Number(row.created_at),
    updated_at: Number(row.updated_at),
    listed_at: row.listed_at === null ? null : Number(row.listed_at),
  };
}

function toColumns(fields: Partial<ItemCurrencyOfferFields>): Partial<Omit<ItemCurrencyOffersTable, 'id'>> {
  const { parameters, image_urls, details, title, delivery_time_duration, delivery_time_unit, ...plain } = fields;
  const out: Partial<Omit<ItemCurrencyOffersTable, 'id'>> = { ...plain };
  if (title !== undefined) {
    out.title = title;
    out.search_title = title.toLowerCase();
  }
  if (parameters !== undefined) out.parameters = JSON.stringify(parameters);
  if (image_urls !== undefined) out.image_urls = JSON.stringify(image_urls);
  if (details !== undefined) out.details = JSON.stringify(details);
  if (delivery_time_duration !== undefined && delivery_time_unit !== undefined) {
    out.delivery_time_duration = delivery_time_duration;
    out.delivery_time_unit = delivery_time_unit;
    out.delivery_time_seconds = deliveryTimeSeconds(delivery_time_duration, delivery_time_unit);
  } else if (delivery_time_duration !== undefined || delivery_time_unit !== undefined) {
    throw new Error('delivery_time_duration and delivery_time_unit are written together');
  }
  return out;
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

const NULLABLE_SORT_COLUMNS: ReadonlySet<string> = new Set(['listed_at']);

/** Item and currency offers over Kysely; one table, the kind in a column. */
export function itemCurrencyOfferStore(db: Db): ItemCurrencyOfferStore {
  const withGame = () =>
    db
      .selectFrom('item_currency_offers')
      .innerJoin('games', 'games.id', 'item_currency_offers.game_id')
      .selectAll('item_currency_offers')
      .select(['games.name as game_name', 'games.slug as game_slug']);

  const filtered = (query: ItemCurrencyOfferListQuery) => {
    let q = db.selectFrom('item_currency_offers').where('item_currency_offers.kind', '=', query.kind);
    if (query.sellerId !== null) q = q.where('item_currency_offers.seller_id', '=', query.sellerId);
    if (query.ids) q = q.where('item_currency_offers.id', 'in', query.ids);
    if (query.statuses) q = q.where('item_currency_offers.status', 'in', query.statuses);
    if (query.gameIds) q = q.where('item_currency_offers.game_id', 'in', query.gameIds);
    if (query.search !== undefined && query.search.includes('\u0000')) {
      // No title holds U+0000 and PostgreSQL cannot compare it: matches nothing (as order lists).
      q = q.where(sql<boolean>`1 = 0`);
    } else if (query.search !== undefined) {
      const search = query.search;
      const title = sql<boolean>`item_currency_offers.search_title like ${`%${escapeLike(search.toLowerCase())}%`} escape '\\'`;
      q = q.where((eb) => (/^\d{1,15}$/.test(search) ? eb.or([eb('item_currency_offers.id', '=', Number(search)), title]) : title));
    }
    return q;
  };

  /** The offers with their orders: one query for the orders of all of them (offers of one kind). */
  const withOrders = async (kind: ItemCurrencyOfferKind, offers: ItemCurrencyOfferWithoutOrders[]): Promise<ItemCurrencyOfferRecord[]> => {
    const orders = await offerOrderIds(db, kind, offers.map((o) => o.id));
    return offers.map((o) => ({ ...o, order_ids: orders.get(o.id)! }));
  };

  const store: ItemCurrencyOfferStore = {
    async insert(fields) {
      const { id } = await db
        .insertInto('item_currency_offers')
        // order_ids: unused since migration 0011, NOT NULL still.
        .values({ ...toColumns(fields), order_ids: '[]' } as Omit<ItemCurrencyOffersTable, 'id'>)
        .returning('id')
        .executeTakeFirstOrThrow();
      return (await store.findById(fields.kind, Number(id)))!;
    },
    async findById(kind, id) {
      const offer = await store.findWithoutOrders(kind, id);
      return offer && (await withOrders(kind, [offer]))[0];
    },
    async findWithoutOrders(kind, id) {
      const row = await withGame().where('item_currency_offers.kind', '=', kind).where('item_currency_offers.id', '=', id).executeTakeFirst();
      return row && toOffer(row as OfferRow);
    },
    async update(kind, id, patch) {
      await db.updateTable('item_currency_offers').set(toColumns(patch)).where('kind', '=', kind).where('id', '=', id).execute();
      return (await store.findById(kind, id))!;
    },
    async recordPurchase(kind, id, orderId, patch) {
      await addOfferOrder(db, kind, id, orderId);
      await db.updateTable('item_currency_offers').set(toColumns(patch)).where('kind', '=', kind).where('id', '=', id).execute();
    },
    async list(query) {
      const { total } = await filtered(query).select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
      let page = filtered(query)
        .innerJoin('games', 'games.id', 'item_currency_offers.game_id')
        .selectAll('item_currency_offers')
        .select(['games.name as game_name', 'games.slug as game_slug']);
      for (const s of query.sort) {
        const column = `item_currency_offers.${s.column}` as const;
        page = NULLABLE_SORT_COLUMNS.has(s.column)
          ? page.orderBy(column, (ob) => (s.direction === 'asc' ? ob.asc().nullsFirst() : ob.desc().nullsLast()))
          : page.orderBy(column, s.direction);
      }
      const rows = await page.limit(query.limit).offset(query.offset).execute();
      return { rows: await withOrders(query.kind, rows.map((r) => toOffer(r as OfferRow))), total: Number(total) };
    },
    async takeStock(kind, id, quantity, at) {
      // One conditional write decides: of concurrent purchases, each sees the stock the previous
      // one left (PostgreSQL re-checks the WHERE on the row a committed update left behind).
      const result = await db
        .updateTable('item_currency_offers')
        .set((eb) => ({ stock: eb('stock', '-', quantity), updated_at: at }))
        .where('kind', '=', kind)
        .where('id', '=', id)
        .where('status', '=', 'listed')
        .where('stock', '>=', quantity)
        .where('min_quantity', '<=', quantity)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
  };
  return store;
}
