import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/domain/clock.js';
import { MessageIdGenerator } from '../../src/domain/message-id.js';
import type { Store } from '../../src/domain/ports.js';
import { formatWebhookEvent } from '../../src/contract/webhook-events.js';
import { CredentialCipher } from '../../src/store/credential-cipher.js';
import { openDatabase, type OpenDatabase } from '../../src/store/database.js';
import { hotQueries } from '../../src/store/hot-queries.js';
import { createKyselyStore } from '../../src/store/kysely-store.js';
import { migrateToLatest } from '../../src/store/migrations.js';
import { preparedName } from '../../src/store/prepared-statements.js';
import { postgresRunners } from '../../src/store/query-runner.js';
import { createTestDatabase } from '../support/test-db.js';
import { skipWithoutPostgres } from './postgres-test-support.js';

/**
 * PostgreSQL's prepared hot statements (src/store/prepared-statements.ts): prepared once per
 * connection, and never one that selects all columns, so that a newer instance's migration adding
 * a column does not break the instances still running.
 */

const skip = await skipWithoutPostgres('prepared statements');

describe.skipIf(skip)('prepared hot statements on PostgreSQL', () => {
  let opened: OpenDatabase;
  let drop: () => Promise<void>;
  let store: Store;
  let orderId: number;

  beforeAll(async () => {
    const database = await createTestDatabase('postgres');
    drop = database.drop;
    opened = openDatabase(database.config);
    await migrateToLatest(opened.db, 'postgres');
    store = createKyselyStore(opened.db, {
      clock: systemClock,
      messageIds: new MessageIdGenerator(),
      cipher: new CredentialCipher(Buffer.alloc(32, 7)),
      formatEvent: formatWebhookEvent,
      lockRows: true,
      fast: { runners: postgresRunners(opened.db), queries: hotQueries(opened.db, 'postgres') },
    });
    const now = 1_700_000_000;
    const seller = await store.users.create({ username: 'seller', role: 'seller', created_at: now });
    const buyer = await store.users.create({ username: 'buyer', role: 'buyer', created_at: now });
    const game = await opened.db.insertInto('games').values({ name: 'Game', slug: 'game' }).returning('id').executeTakeFirstOrThrow();
    orderId = (await store.orders.insert({
      kind: 'account', offer_id: 1, game_id: game.id, seller_id: seller.id, buyer_id: buyer.id, title: 'An account', description: null,
      parameters: {}, status: 'pending', is_disputed: false, dispute_case_id: null, delivery_time_duration: 1, delivery_time_unit: 'hours',
      price_amount: 1000, price_usd_amount: 1100, rating: null, credentials: null, details: {},
      created_at: now, updated_at: now, purchased_at: now, completed_at: null, refunded_at: null,
    })).id;
  });

  afterAll(async () => {
    await opened?.close();
    await drop?.();
  });

  it('names the hot statements with fixed result columns, not those that select all columns', () => {
    const hot = hotQueries(opened.db, 'postgres');
    expect(preparedName(hot.findAccess.sql)).toMatch(/^parley_\d+$/);
    expect(preparedName(hot.findThreadAccess.sql)).toMatch(/^parley_\d+$/); // count(*) is one column
    expect(preparedName(hot.findOrder.sql)).toBeUndefined(); // "orders".*
    expect(preparedName(hot.threads[0].sql)).toBeUndefined(); // "messages".*
  });

  it('prepares a hot statement once on its connection and runs it again by name', async () => {
    const name = preparedName(hotQueries(opened.db, 'postgres').findAccess.sql)!;
    const prepared = await opened.db.transaction().execute(async (trx) => {
      const tx = createKyselyStore(trx, {
        clock: systemClock, messageIds: new MessageIdGenerator(), cipher: new CredentialCipher(Buffer.alloc(32, 7)), formatEvent: formatWebhookEvent,
        fast: { runners: postgresRunners(opened.db), queries: hotQueries(opened.db, 'postgres') },
      });
      for (let i = 0; i < 3; i++) expect((await tx.orders.findAccess('account', orderId))?.id).toBe(orderId);
      return (await sql<{ name: string }>`select name from pg_prepared_statements`.execute(trx)).rows.map((r) => r.name);
    });
    expect(prepared.filter((n) => n === name)).toHaveLength(1);
  });

  it('keeps answering, on every pooled connection, after another instance adds a column to the table', async () => {
    const readAll = () => Promise.all(Array.from({ length: 12 }, async () => {
      const [access, order] = await Promise.all([store.orders.findAccess('account', orderId), store.orders.findById('account', orderId)]);
      return [access?.id, order?.id];
    }));
    expect(await readAll()).toEqual(Array.from({ length: 12 }, () => [orderId, orderId]));
    await sql`alter table orders add column added_by_a_newer_instance integer`.execute(opened.db);
    try {
      expect(await readAll()).toEqual(Array.from({ length: 12 }, () => [orderId, orderId]));
    } finally {
      await sql`alter table orders drop column added_by_a_newer_instance`.execute(opened.db);
    }
  });
});
