import { sql, type Selectable, type SelectQueryBuilder } from 'kysely';
import { deliveryTimeSeconds, type DeliveryTimeUnit } from '../domain/delivery-time.js';
import type {
  AccountOfferCredentialRecord,
  AccountOfferFields,
  AccountOfferListQuery,
  AccountOfferPatch,
  AccountOfferRecord,
  AccountOfferStatus,
  AccountOfferStore,
  AccountOfferWithoutOrders,
  LegacyAccountCredentials,
} from '../domain/ports.js';
import type { CredentialCipher, SealedAt } from './credential-cipher.js';
import type { Db } from './kysely-store.js';
import { addOfferOrder, hasOfferOrders, offerOrderIds } from './offer-orders.js';
import type { AccountOfferCredentialsTable, AccountOffersTable, Database } from './schema.js';

/** Where sealed values live: each opens only in its own row. */
const offerCredentialsAt = (id: number): SealedAt => ({ table: 'account_offers', column: 'credentials', id });
const stockCredentialAt = (id: number): SealedAt => ({ table: 'account_offer_credentials', column: 'credentials', id });

type OfferRow = Selectable<AccountOffersTable> & { game_name: string; game_slug: string };

function toOffer(row: OfferRow, cipher: CredentialCipher): AccountOfferWithoutOrders {
  return {
    id: Number(row.id),
    seller_id: Number(row.seller_id),
    game_id: Number(row.game_id),
    game: { id: Number(row.game_id), name: row.game_name, slug: row.game_slug },
    external_id: row.external_id,
    title: row.title,
    slug: row.slug,
    description: row.description,
    parameters: JSON.parse(row.parameters) as Record<string, unknown>,
    dump: row.dump,
    status: row.status as AccountOfferStatus,
    is_manual_delivery: Number(row.is_manual_delivery) === 1,
    delivery_time_duration: Number(row.delivery_time_duration),
    delivery_time_unit: row.delivery_time_unit as DeliveryTimeUnit,
    delivery_instructions: row.delivery_instructions,
    price_amount: Number(row.price_amount),
    price_usd_amount: Number(row.price_usd_amount),
    image_urls: JSON.parse(row.image_urls) as string[],
    is_legacy: Number(row.is_legacy) === 1,
    credentials: row.credentials === null
      ? null
      : (JSON.parse(cipher.decrypt(row.credentials, offerCredentialsAt(Number(row.id)))) as LegacyAccountCredentials),
    views: Number(row.views),
    details: JSON.parse(row.details) as Record<string, unknown>,
    created_at: Number(row.created_at),
    updated_at: Number(row.updated_at),
    listed_at: row.listed_at === null ? null : Number(row.listed_at),
  };
}

/** `id`: the row written; null only for an insert, which seals its credentials once the row has its id. */
function toOfferColumns(fields: Partial<AccountOfferFields>, cipher: CredentialCipher, id: number | null): Partial<Omit<AccountOffersTable, 'id'>> {
  const {
    title, description, parameters, is_manual_delivery, delivery_time_duration, delivery_time_unit, image_urls,
    is_legacy, credentials, details, ...plain
  } = fields;
  const out: Partial<Omit<AccountOffersTable, 'id'>> = { ...plain };
  if (title !== undefined) {
    out.title = title;
    out.search_title = title.toLowerCase();
  }
  if (description !== undefined) {
    out.description = description;
    out.search_description = description.toLowerCase();
  }
  if (parameters !== undefined) out.parameters = JSON.stringify(parameters);
  if (is_manual_delivery !== undefined) out.is_manual_delivery = is_manual_delivery ? 1 : 0;
  if (image_urls !== undefined) out.image_urls = JSON.stringify(image_urls);
  if (is_legacy !== undefined) out.is_legacy = is_legacy ? 1 : 0;
  if (details !== undefined) out.details = JSON.stringify(details);
  if (credentials !== undefined && credentials !== null && id === null) throw new Error('credentials are sealed once the row has its id');
  if (credentials !== undefined) out.credentials = credentials === null ? null : cipher.encrypt(JSON.stringify(credentials), offerCredentialsAt(id!));
  if (delivery_time_duration !== undefined && delivery_time_unit !== undefined) {
    out.delivery_time_duration = delivery_time_duration;
    out.delivery_time_unit = delivery_time_unit;
    out.delivery_time_seconds = deliveryTimeSeconds(delivery_time_duration, delivery_time_unit);
  } else if (delivery_time_duration !== undefined || delivery_time_unit !== undefined) {
    throw new Error('delivery_time_duration and delivery_time_unit are written together');
  }
  return out;
}

function toCredential(row: Selectable<AccountOfferCredentialsTable>, cipher: CredentialCipher): AccountOfferCredentialRecord {
  const id = Number(row.id);
  return {
    id,
    account_offer_id: Number(row.account_offer_id),
    credentials: cipher.decrypt(row.credentials, stockCredentialAt(id)),
    is_sold: Number(row.is_sold) === 1,
    account_order_id: row.account_order_id === null ? null : Number(row.account_order_id),
    created_at: Number(row.created_at),
    updated_at: Number(row.updated_at),
  };
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

type OfferQuery = SelectQueryBuilder<Database, 'account_offers', object>;

function applyFilters<QB extends OfferQuery>(qb: QB, query: AccountOfferListQuery): QB {
  let q = qb as OfferQuery;
  q = q.where('account_offers.deleted_at', 'is', null);
  if (query.sellerId !== null) q = q.where('account_offers.seller_id', '=', query.sellerId);
  if (query.ids) q = q.where('account_offers.id', 'in', query.ids);
  if (query.gameIds) q = q.where('account_offers.game_id', 'in', query.gameIds);
  if (query.statuses) q = q.where('account_offers.status', 'in', query.statuses);
  if (query.search !== undefined && query.search.includes('\u0000')) {
    // No stored text holds U+0000, and PostgreSQL cannot compare it: nothing matches.
    q = q.where(sql<boolean>`1 = 0`);
  } else if (query.search !== undefined) {
    const search = query.search;
    const pattern = `%${escapeLike(search.toLowerCase())}%`;
    q = q.where((eb) => {
      const text = [
        sql<boolean>`account_offers.search_title like ${pattern} escape '\\'`,
        sql<boolean>`account_offers.search_description like ${pattern} escape '\\'`,
      ];
      return eb.or(/^\d{1,15}$/.test(search) ? [eb('account_offers.id', '=', Number(search)), ...text] : text);
    });
  }
  return q as QB;
}

/**
 * `account_offer_counts` holds how many offers not deleted each (seller, status) has; every write
 * that adds an offer, moves its status or deletes it changes it in the same statement's
 * transaction, so it is always `select seller_id, status, count(*) from account_offers where
 * deleted_at is null group by 1, 2`.
 */
async function countOffer(db: Db, offer: { seller_id: number; status: string }, delta: 1 | -1): Promise<void> {
  await db
    .insertInto('account_offer_counts')
    .values({ seller_id: offer.seller_id, status: offer.status, n: delta })
    .onConflict((oc) => oc.columns(['seller_id', 'status']).doUpdateSet({ n: sql<number>`account_offer_counts.n + ${delta}` }))
    .execute();
}

/** Whether the list's total can come from `account_offer_counts`: no filter but status (and the seller scope). */
function countableFromTable(query: AccountOfferListQuery): boolean {
  return !query.ids && !query.gameIds && query.search === undefined;
}

async function countFromTable(db: Db, query: AccountOfferListQuery): Promise<number> {
  let q = db.selectFrom('account_offer_counts').select((eb) => eb.fn.sum<number>('n').as('total'));
  if (query.sellerId !== null) q = q.where('seller_id', '=', query.sellerId);
  if (query.statuses) q = q.where('status', 'in', query.statuses);
  const row = await q.executeTakeFirst();
  return Number(row?.total ?? 0);
}

/** Sort columns that may hold NULL: first ascending, last descending (SQLite's order) on both dialects. */
const NULLABLE_SORT_COLUMNS: ReadonlySet<string> = new Set(['listed_at']);

/** Account offers and their credentials stock over Kysely. */
export function accountOfferStore(db: Db, cipher: CredentialCipher, lockRows: boolean): AccountOfferStore {
  const base = () =>
    db.selectFrom('account_offers')
      .innerJoin('games', 'games.id', 'account_offers.game_id')
      .selectAll('account_offers')
      .select(['games.name as game_name', 'games.slug as game_slug']);
  const readWithoutOrders = async (id: number) => {
    const row = await base().where('account_offers.id', '=', id).where('account_offers.deleted_at', 'is', null).executeTakeFirst();
    return row && toOffer(row as OfferRow, cipher);
  };
  /** The offers with their orders: one query for the orders of all of them. */
  const withOrders = async (offers: AccountOfferWithoutOrders[]): Promise<AccountOfferRecord[]> => {
    const orders = await offerOrderIds(db, 'account', offers.map((o) => o.id));
    return offers.map((o) => ({ ...o, account_order_ids: orders.get(o.id)! }));
  };
  const read = async (id: number) => {
    const offer = await readWithoutOrders(id);
    return offer && (await withOrders([offer]))[0];
  };
  const lock = async (id: number) => {
    if (lockRows && db.isTransaction) {
      // The offer's own row only (not its game's): purchases and stock changes queue here.
      await db.selectFrom('account_offers').select('id').where('id', '=', id).forUpdate().execute();
    }
  };
  /** Applies a patch; a status change moves the offer between counts. */
  const write = async (id: number, patch: AccountOfferPatch) => {
    const columns = toOfferColumns(patch, cipher, id);
    if (patch.status === undefined) {
      await db.updateTable('account_offers').set(columns).where('id', '=', id).execute();
      return;
    }
    // The UPDATE applies only to the status read just before it, so a concurrent change in
    // between (PostgreSQL) makes it read again.
    for (;;) {
      const before = await db.selectFrom('account_offers').select(['seller_id', 'status', 'deleted_at']).where('id', '=', id).executeTakeFirst();
      if (!before) return;
      const result = await db.updateTable('account_offers').set(columns).where('id', '=', id).where('status', '=', before.status).executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) continue;
      if (before.deleted_at === null && before.status !== patch.status) {
        await countOffer(db, { seller_id: Number(before.seller_id), status: before.status }, -1);
        await countOffer(db, { seller_id: Number(before.seller_id), status: patch.status }, 1);
      }
      return;
    }
  };
  const credentialById = async (id: number) => {
    const row = await db.selectFrom('account_offer_credentials').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toCredential(row, cipher);
  };

  const store: AccountOfferStore = {
    async insert(fields) {
      const { id } = await db
        .insertInto('account_offers')
        // account_order_ids: unused since migration 0011, NOT NULL still.
        .values({ ...toOfferColumns({ ...fields, credentials: null }, cipher, null), account_order_ids: '[]', deleted_at: null } as Omit<AccountOffersTable, 'id'>)
        .returning('id')
        .executeTakeFirstOrThrow();
      await countOffer(db, fields, 1);
      if (fields.credentials !== null) {
        await db.updateTable('account_offers').set(toOfferColumns({ credentials: fields.credentials }, cipher, Number(id))).where('id', '=', id).execute();
      }
      return (await read(Number(id)))!;
    },
    async findById(id) {
      await lock(id);
      return read(id);
    },
    async findWithoutOrders(id) {
      await lock(id);
      return readWithoutOrders(id);
    },
    async hasOrders(id) {
      return hasOfferOrders(db, 'account', id);
    },
    async update(id, patch) {
      await write(id, patch);
      return (await read(id))!;
    },
    async recordPurchase(id, orderId, patch) {
      await addOfferOrder(db, 'account', id, orderId);
      await write(id, patch);
    },
    async delete(id, at) {
      const deleted = await db.updateTable('account_offers').set({ deleted_at: at, updated_at: at })
        .where('id', '=', id).where('deleted_at', 'is', null)
        .returning(['seller_id', 'status'])
        .executeTakeFirst();
      if (deleted) await countOffer(db, { seller_id: Number(deleted.seller_id), status: deleted.status }, -1);
      await db.deleteFrom('account_offer_credentials').where('account_offer_id', '=', id).where('is_sold', '=', 0).execute();
    },
    async list(query) {
      const total = countableFromTable(query)
        ? await countFromTable(db, query)
        : (await applyFilters(db.selectFrom('account_offers'), query)
          .select((eb) => eb.fn.countAll<number>().as('total'))
          .executeTakeFirstOrThrow()).total;
      let page = applyFilters(base(), query);
      for (const s of query.sort) {
        const column = `account_offers.${s.column}` as const;
        page = NULLABLE_SORT_COLUMNS.has(s.column)
          ? page.orderBy(column, (ob) => (s.direction === 'asc' ? ob.asc().nullsFirst() : ob.desc().nullsLast()))
          : page.orderBy(column, s.direction);
      }
      const rows = await page.limit(query.limit).offset(query.offset).execute();
      return { rows: await withOrders(rows.map((r) => toOffer(r as OfferRow, cipher))), total: Number(total) };
    },
    async countUnsold(offerId) {
      const { n } = await db.selectFrom('account_offer_credentials')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('account_offer_id', '=', offerId).where('is_sold', '=', 0)
        .executeTakeFirstOrThrow();
      return Number(n);
    },
    async listCredentials(offerId, query) {
      let q = db.selectFrom('account_offer_credentials').where('account_offer_id', '=', offerId);
      if (query.ids) q = q.where('id', 'in', query.ids);
      if (query.isSold !== undefined) q = q.where('is_sold', '=', query.isSold ? 1 : 0);
      const { total } = await q.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
      const rows = await q.selectAll().orderBy('id').limit(query.limit).offset(query.offset).execute();
      return { rows: rows.map((r) => toCredential(r, cipher)), total: Number(total) };
    },
    async credentialTexts(offerId) {
      const rows = await db.selectFrom('account_offer_credentials').select(['id', 'credentials']).where('account_offer_id', '=', offerId).execute();
      return rows.map((r) => ({ id: Number(r.id), credentials: cipher.decrypt(r.credentials, stockCredentialAt(Number(r.id))) }));
    },
    async insertCredential(offerId, credentials, at) {
      // Sealed values name their row: a placeholder first, then the value sealed for the new id.
      const { id } = await db.insertInto('account_offer_credentials')
        .values({ account_offer_id: offerId, credentials: '', is_sold: 0, account_order_id: null, created_at: at, updated_at: at })
        .returning('id')
        .executeTakeFirstOrThrow();
      await db.updateTable('account_offer_credentials').set({ credentials: cipher.encrypt(credentials, stockCredentialAt(Number(id))) }).where('id', '=', id).execute();
      return { id: Number(id), account_offer_id: offerId, credentials, is_sold: false, account_order_id: null, created_at: at, updated_at: at };
    },
    async findCredential(offerId, id) {
      const row = await db.selectFrom('account_offer_credentials').selectAll().where('id', '=', id).where('account_offer_id', '=', offerId).executeTakeFirst();
      return row && toCredential(row, cipher);
    },
    async updateCredential(id, credentials, at) {
      await db.updateTable('account_offer_credentials')
        .set({ credentials: cipher.encrypt(credentials, stockCredentialAt(id)), updated_at: at })
        .where('id', '=', id)
        .execute();
      return (await credentialById(id))!;
    },
    async deleteUnsoldCredentials(offerId, ids) {
      if (ids.length === 0) return 0;
      const result = await db.deleteFrom('account_offer_credentials')
        .where('account_offer_id', '=', offerId).where('is_sold', '=', 0).where('id', 'in', ids)
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
    async claimOldestCredential(offerId, at) {
      // A claim that lost a race (another transaction sold that row first) tries the next one;
      // the conditional UPDATE is what decides, whatever the isolation level.
      for (;;) {
        const oldest = await db.selectFrom('account_offer_credentials').select('id')
          .where('account_offer_id', '=', offerId).where('is_sold', '=', 0)
          .orderBy('id').limit(1).executeTakeFirst();
        if (!oldest) return undefined;
        const result = await db.updateTable('account_offer_credentials')
          .set({ is_sold: 1, updated_at: at })
          .where('id', '=', oldest.id).where('is_sold', '=', 0)
          .executeTakeFirst();
        if (Number(result.numUpdatedRows) === 1) return (await credentialById(Number(oldest.id)))!;
      }
    },
    async linkCredentialToOrder(id, orderId) {
      await db.updateTable('account_offer_credentials').set({ account_order_id: orderId }).where('id', '=', id).execute();
    },
  };
  return store;
}
