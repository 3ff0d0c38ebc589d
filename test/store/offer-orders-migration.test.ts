import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountOfferStore } from '../../src/store/account-offer-store.js';
import { CredentialCipher } from '../../src/store/credential-cipher.js';
import { openDatabase, type OpenDatabase } from '../../src/store/database.js';
import { itemCurrencyOfferStore } from '../../src/store/item-currency-offer-store.js';
import { migrateTo, migrateToLatest } from '../../src/store/migrations.js';
import { createTestDatabase } from '../support/test-db.js';
import { skipWithoutPostgres } from './postgres-test-support.js';

/**
 * Migration 0011 moves each offer's orders from a JSON list on the offer (read and rewritten by
 * every purchase) to offer_orders, one row per order: the lists written before it come through
 * whole and in order, each on its own offer (account, item and currency offers share ids).
 */

const pgSkip = await skipWithoutPostgres('offer orders migration on PostgreSQL');

const BEFORE = '0010_account_offer_counts';
const AT = 1_700_000_000;
const BIG = 3_000_000_000; // past 32 bits

const common = {
  seller_id: 1, game_id: 1, external_id: null, slug: 'offer', description: 'd', parameters: '{}', status: 'listed',
  delivery_time_duration: 1, delivery_time_unit: 'hours', delivery_time_seconds: 3600, delivery_instructions: null,
  price_amount: 1000, price_usd_amount: 1100, views: 0, image_urls: '[]', details: '{}', created_at: AT, updated_at: AT, listed_at: AT,
};
const account = (title: string, orders: number[], deleted = false) => ({
  ...common, title, search_title: title.toLowerCase(), search_description: 'd', dump: '', is_manual_delivery: 0,
  is_legacy: 0, credentials: null, account_order_ids: JSON.stringify(orders), deleted_at: deleted ? AT : null,
});
const itemOrCurrency = (kind: 'item' | 'currency', title: string, orders: number[]) => ({
  ...common, kind, title, search_title: title.toLowerCase(), stock: 10, min_quantity: 1, order_ids: JSON.stringify(orders),
});

// Ids 1.. in insertion order on both tables: account offer 1 and item offer 1 are different offers.
const ACCOUNT_OFFERS = [account('A', [5, 9, 12, BIG]), account('B', []), account('C', [7]), account('Deleted', [3, 4], true)];
const ITEM_CURRENCY_OFFERS = [itemOrCurrency('item', 'I1', [2, 8, 11]), itemOrCurrency('currency', 'C2', [6]), itemOrCurrency('item', 'I3', [])];

describe.each([
  { dialect: 'sqlite' as const, skip: false },
  { dialect: 'postgres' as const, skip: pgSkip },
])('offer orders moved to their table on $dialect', ({ dialect, skip }) => {
  let handle: OpenDatabase;
  let cleanUp: () => Promise<void> = async () => {};

  beforeAll(async () => {
    if (skip) return;
    const database = await createTestDatabase(dialect);
    cleanUp = database.drop;
    handle = openDatabase(database.config);
    await migrateTo(handle.db, dialect, BEFORE);
    await handle.db.insertInto('users').values({ username: 'seller', role: 'seller', created_at: AT }).execute();
    await handle.db.insertInto('games').values({ name: 'Game', slug: 'game', acronym: null }).execute();
    for (const offer of ACCOUNT_OFFERS) await handle.db.insertInto('account_offers').values(offer).execute();
    for (const offer of ITEM_CURRENCY_OFFERS) await handle.db.insertInto('item_currency_offers').values(offer).execute();
    await migrateToLatest(handle.db, dialect);
  });

  afterAll(async () => {
    await handle?.close();
    await cleanUp();
  });

  it.skipIf(skip)('copies every list, one row per order, deleted offers too', async () => {
    const rows = await handle.db.selectFrom('offer_orders').selectAll().orderBy('offer_kind').orderBy('offer_id').orderBy('order_id').execute();
    expect(rows.map((r) => [r.offer_kind, Number(r.offer_id), Number(r.order_id)])).toEqual([
      ['account', 1, 5], ['account', 1, 9], ['account', 1, 12], ['account', 1, BIG], ['account', 3, 7], ['account', 4, 3], ['account', 4, 4],
      ['currency', 2, 6],
      ['item', 1, 2], ['item', 1, 8], ['item', 1, 11],
    ]);
  });

  it.skipIf(skip)('serves each offer its own list, oldest first, one by one and in a list page', async () => {
    const accounts = accountOfferStore(handle.db, new CredentialCipher(randomBytes(32)), false);
    expect((await accounts.findById(1))!.account_order_ids).toEqual([5, 9, 12, BIG]);
    expect((await accounts.findById(2))!.account_order_ids).toEqual([]);
    const page = await accounts.list({ sellerId: 1, sort: [{ column: 'id', direction: 'desc' }], offset: 0, limit: 10 });
    expect(page.rows.map((o) => [o.id, o.account_order_ids])).toEqual([[3, [7]], [2, []], [1, [5, 9, 12, BIG]]]);

    const offers = itemCurrencyOfferStore(handle.db);
    expect((await offers.findById('item', 1))!.order_ids).toEqual([2, 8, 11]);
    expect((await offers.findById('currency', 2))!.order_ids).toEqual([6]);
    const items = await offers.list({ kind: 'item', sellerId: 1, sort: [{ column: 'id', direction: 'asc' }], offset: 0, limit: 10 });
    expect(items.rows.map((o) => [o.id, o.order_ids])).toEqual([[1, [2, 8, 11]], [3, []]]);
  });

  it.skipIf(skip)('a purchase adds one row to the list and leaves the JSON column as it was', async () => {
    const offers = itemCurrencyOfferStore(handle.db);
    await offers.recordPurchase('item', 1, 40, { updated_at: AT + 1 });
    expect((await offers.findById('item', 1))!.order_ids).toEqual([2, 8, 11, 40]);
    const row = await handle.db.selectFrom('item_currency_offers').select('order_ids').where('id', '=', 1).executeTakeFirstOrThrow();
    expect(row.order_ids).toBe('[2,8,11]');
  });
});
