import { Kysely, Migrator, sql, type ColumnDefinitionBuilder, type CreateTableBuilder, type Migration, type MigrationProvider, type MigrationResultSet } from 'kysely';
import type { DialectName } from './database.js';

type DataType = Parameters<CreateTableBuilder<string, never>['addColumn']>[1];

/**
 * Column types per dialect. SQLite gets exactly the types these migrations always created;
 * PostgreSQL gets the same meaning:
 * - `integer`: 64-bit, as SQLite's INTEGER is (Unix milliseconds overflow int4); `bigint`.
 * - `id` + `primaryId`: SQLite's `integer primary key autoincrement` is `bigserial primary key`.
 * - `key`: text ids that lists sort by (ULIDs) compare byte by byte, as SQLite compares text,
 *   whatever the database's default collation: `text collate "C"`.
 */
export function columnTypes(dialect: DialectName) {
  const pg = dialect === 'postgres';
  return {
    dialect,
    id: (pg ? 'bigserial' : 'integer') as DataType,
    primaryId: (c: ColumnDefinitionBuilder) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement()),
    integer: (pg ? 'bigint' : 'integer') as DataType,
    key: (pg ? sql`text collate "C"` : 'text') as DataType,
  };
}
export type ColumnTypes = ReturnType<typeof columnTypes>;

/**
 * Migrations live in code so that a single binary can migrate its own database at start-up.
 * Each one is append-only: never edit a migration that has shipped, add a new one. (Making
 * their column types dialect-aware left the SQLite DDL exactly as it shipped.)
 */
const migrations = (t: ColumnTypes): Record<string, Migration> => ({
  '0001_core': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('users')
        .addColumn('id', t.id, t.primaryId)
        .addColumn('username', 'text', (c) => c.notNull().unique())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('created_at', t.integer, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('api_keys')
        .addColumn('id', t.id, t.primaryId)
        .addColumn('user_id', t.integer, (c) => c.notNull().references('users.id'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('expires_at', t.integer)
        .addColumn('revoked_at', t.integer)
        .addColumn('last_used_at', t.integer)
        .addColumn('created_at', t.integer, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('games')
        .addColumn('id', t.id, t.primaryId)
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('slug', 'text', (c) => c.notNull().unique())
        .execute();

      await db.schema
        .createTable('orders')
        .addColumn('id', t.id, t.primaryId)
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('offer_id', t.integer, (c) => c.notNull())
        .addColumn('game_id', t.integer, (c) => c.notNull().references('games.id'))
        .addColumn('seller_id', t.integer, (c) => c.notNull().references('users.id'))
        .addColumn('buyer_id', t.integer, (c) => c.notNull().references('users.id'))
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('search_title', 'text', (c) => c.notNull())
        .addColumn('description', 'text')
        .addColumn('parameters', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('is_disputed', t.integer, (c) => c.notNull())
        .addColumn('dispute_case_id', t.integer)
        .addColumn('delivery_time_duration', t.integer, (c) => c.notNull())
        .addColumn('delivery_time_unit', 'text', (c) => c.notNull())
        .addColumn('delivery_time_seconds', t.integer, (c) => c.notNull())
        .addColumn('price_amount', t.integer, (c) => c.notNull())
        .addColumn('price_usd_amount', t.integer, (c) => c.notNull())
        .addColumn('rating', 'text')
        .addColumn('credentials', 'text')
        .addColumn('details', 'text', (c) => c.notNull())
        .addColumn('created_at', t.integer, (c) => c.notNull())
        .addColumn('updated_at', t.integer, (c) => c.notNull())
        .addColumn('purchased_at', t.integer, (c) => c.notNull())
        .addColumn('completed_at', t.integer)
        .addColumn('refunded_at', t.integer)
        .execute();

      // A list is always scoped by kind and seller; one index per filter/sort column keeps
      // every page an index range scan whatever the table size.
      for (const column of ['id', 'status', 'game_id', 'buyer_id', 'price_amount', 'delivery_time_seconds',
        'created_at', 'updated_at', 'purchased_at', 'completed_at', 'refunded_at']) {
        const index = db.schema.createIndex(`orders_kind_seller_${column}`).on('orders').columns(['kind', 'seller_id']);
        // Lists sort NULL first ascending and last descending, as SQLite does; a PostgreSQL index
        // keeps NULLs last unless told, and could not serve sort=completed_at then.
        await (t.dialect === 'postgres' && column === 'completed_at'
          ? index.expression(sql`${sql.ref(column)} nulls first`)
          : index.column(column)
        ).execute();
      }
      await db.schema.createIndex('orders_kind_offer').on('orders').columns(['kind', 'offer_id', 'seller_id']).execute();

      await db.schema
        .createTable('messages')
        .addColumn('id', t.key, (c) => c.primaryKey())
        .addColumn('order_kind', 'text', (c) => c.notNull())
        .addColumn('order_id', t.integer, (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('text', 'text', (c) => c.notNull())
        .addColumn('attachment', 'text')
        .addColumn('sender_id', t.integer, (c) => c.references('users.id'))
        .addColumn('sent_at', t.integer, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('messages_thread').on('messages').columns(['order_kind', 'order_id', 'id']).execute();
    },
  },
  '0002_webhooks': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('webhook_endpoints')
        .addColumn('id', t.id, t.primaryId)
        .addColumn('user_id', t.integer, (c) => c.notNull().references('users.id'))
        .addColumn('url', 'text', (c) => c.notNull())
        .addColumn('description', 'text')
        .addColumn('events', 'text', (c) => c.notNull())
        // Sealed with the credentials cipher: signing needs the secret back, so it cannot be a hash.
        .addColumn('secret', 'text', (c) => c.notNull())
        .addColumn('previous_secret', 'text')
        .addColumn('previous_secret_expires_at', t.integer)
        .addColumn('disabled_at', t.integer)
        .addColumn('disabled_reason', 'text')
        .addColumn('deleted_at', t.integer)
        .addColumn('created_at', t.integer, (c) => c.notNull())
        .addColumn('updated_at', t.integer, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('webhook_endpoints_user').on('webhook_endpoints').columns(['user_id', 'id']).execute();

      await db.schema
        .createTable('webhook_events')
        .addColumn('id', t.key, (c) => c.primaryKey())
        .addColumn('topic', 'text', (c) => c.notNull())
        .addColumn('user_id', t.integer, (c) => c.notNull().references('users.id'))
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('created_at', t.integer, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('webhook_deliveries')
        .addColumn('id', t.id, t.primaryId)
        .addColumn('event_id', t.key, (c) => c.notNull().references('webhook_events.id'))
        .addColumn('endpoint_id', t.integer, (c) => c.notNull().references('webhook_endpoints.id'))
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('attempts', t.integer, (c) => c.notNull())
        .addColumn('next_attempt_at_ms', t.integer, (c) => c.notNull())
        .addColumn('lease_until_ms', t.integer)
        .addColumn('created_at', t.integer, (c) => c.notNull())
        .addColumn('finished_at', t.integer)
        .execute();
      // The worker's claim: due pending deliveries, oldest first.
      await db.schema.createIndex('webhook_deliveries_due').on('webhook_deliveries').columns(['state', 'next_attempt_at_ms']).execute();

      await db.schema
        .createTable('webhook_attempts')
        .addColumn('id', t.id, t.primaryId)
        .addColumn('delivery_id', t.integer, (c) => c.notNull().references('webhook_deliveries.id'))
        .addColumn('endpoint_id', t.integer, (c) => c.notNull().references('webhook_endpoints.id'))
        .addColumn('event_id', t.key, (c) => c.notNull())
        .addColumn('attempt', t.integer, (c) => c.notNull())
        .addColumn('attempted_at_ms', t.integer, (c) => c.notNull())
        .addColumn('status_code', t.integer)
        .addColumn('duration_ms', t.integer, (c) => c.notNull())
        .addColumn('error', 'text')
        .execute();
      await db.schema.createIndex('webhook_attempts_endpoint').on('webhook_attempts').columns(['endpoint_id', 'id']).execute();
    },
  },
  '0003_order_counts': {
    // A list filtered by status at most (the seller's inbox) answers its total from here instead
    // of counting a quarter of a million index entries; kept in the transaction of every insert
    // and status change (store/order-counts.ts).
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('order_counts')
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('seller_id', t.integer, (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('n', t.integer, (c) => c.notNull())
        .addPrimaryKeyConstraint('order_counts_pk', ['kind', 'seller_id', 'status'])
        .execute();
      await sql`insert into order_counts (kind, seller_id, status, n)
        select kind, seller_id, status, count(*) from orders group by kind, seller_id, status`.execute(db);
    },
  },
  '0004_webhook_retention': {
    // Pruning finds old events by creation time and their deliveries and attempts by event.
    async up(db: Kysely<any>) {
      await db.schema.createIndex('webhook_events_created').on('webhook_events').columns(['created_at', 'id']).execute();
      await db.schema.createIndex('webhook_deliveries_event').on('webhook_deliveries').columns(['event_id', 'state']).execute();
      await db.schema.createIndex('webhook_attempts_delivery').on('webhook_attempts').columns(['delivery_id']).execute();
      // Claims pass over the deliveries of endpoints the worker has no room for: with the endpoint
      // in the index, a backlog is skipped without reading its rows.
      await db.schema.createIndex('webhook_deliveries_due_endpoint').on('webhook_deliveries').columns(['state', 'next_attempt_at_ms', 'endpoint_id']).execute();
      await db.schema.dropIndex('webhook_deliveries_due').execute();
    },
  },
  '0005_messages_thread_key': {
    // A message is keyed by its thread and id: (order_kind, order_id, id) was an index beside a
    // primary key on the id alone, and every send wrote both B-trees (on SQLite three, with the
    // table's). Nothing looks a message up by id alone, and ids are ULIDs (80 random bits a
    // millisecond): unique in its thread is the constraint that is read.
    async up(db: Kysely<any>) {
      if (t.dialect === 'postgres') {
        // In place, in the migration's transaction: ALTER TABLE holds the table against writes
        // until the commit, so a send from an instance not yet upgraded waits, and is not lost.
        await sql`alter table messages drop constraint messages_pkey, add constraint messages_pk primary key (order_kind, order_id, id)`.execute(db);
        await db.schema.dropIndex('messages_thread').execute();
        return;
      }
      // SQLite cannot change a primary key: the table is rebuilt in one transaction (Kysely runs
      // SQLite migrations outside one), which takes the write lock at its first statement, so no
      // write can fall between the copy and the drop, and a crash leaves the old table or the new.
      await db.transaction().execute(async (trx) => {
        await trx.schema
          .createTable('messages_next')
          .addColumn('id', t.key, (c) => c.notNull())
          .addColumn('order_kind', 'text', (c) => c.notNull())
          .addColumn('order_id', t.integer, (c) => c.notNull())
          .addColumn('type', 'text', (c) => c.notNull())
          .addColumn('text', 'text', (c) => c.notNull())
          .addColumn('attachment', 'text')
          .addColumn('sender_id', t.integer, (c) => c.references('users.id'))
          .addColumn('sent_at', t.integer, (c) => c.notNull())
          .addPrimaryKeyConstraint('messages_pk', ['order_kind', 'order_id', 'id'])
          .execute();
        await sql`insert into messages_next (id, order_kind, order_id, type, text, attachment, sender_id, sent_at)
          select id, order_kind, order_id, type, text, attachment, sender_id, sent_at from messages`.execute(trx);
        await trx.schema.dropTable('messages').execute();
        await trx.schema.alterTable('messages_next').renameTo('messages').execute();
      });
    },
  },
  '0006_sealed_row_binding': {
    // Sealed values (order credentials, webhook secrets) are now bound to their table, column and
    // row. Re-sealing the existing ones needs the key, which migrations do not have: this leaves a
    // task that start-up carries out, under the start-up lock, before it listens
    // (store/sealed-values.ts), and deletes in the same transaction as the re-seal.
    async up(db: Kysely<any>) {
      await db.schema.createTable('startup_tasks').addColumn('name', 'text', (c) => c.primaryKey()).execute();
      await db.insertInto('startup_tasks').values({ name: 'reseal_bound_to_row' }).execute();
    },
  },
  '0007_games_catalogue': {
    // The public catalogue: a game's acronym, services and item collections (JSON text), and one
    // offer template per game and service. Existing games get no acronym and empty lists.
    async up(db: Kysely<any>) {
      await db.schema.alterTable('games').addColumn('acronym', 'text').execute();
      await db.schema.alterTable('games').addColumn('services', 'text', (c) => c.notNull().defaultTo('[]')).execute();
      await db.schema.alterTable('games').addColumn('game_item_collections', 'text', (c) => c.notNull().defaultTo('[]')).execute();
      await db.schema
        .createTable('game_templates')
        .addColumn('game_id', t.integer, (c) => c.notNull().references('games.id'))
        .addColumn('service', 'text', (c) => c.notNull())
        .addColumn('template', 'text', (c) => c.notNull())
        .addColumn('created_at', t.integer, (c) => c.notNull())
        .addColumn('updated_at', t.integer, (c) => c.notNull())
        .addPrimaryKeyConstraint('game_templates_pk', ['game_id', 'service'])
        .execute();
    },
  },
  '0008_account_offers': {
    // Account offers (both formats) and the credentials stock of new-format ones. Sealed values
    // (a legacy offer's inline credentials, each stock credential) are bound to their rows. A
    // deleted offer keeps its row (orders point at it) with deleted_at set.
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('account_offers')
        .addColumn('id', t.id, t.primaryId)
        .addColumn('seller_id', t.integer, (c) => c.notNull().references('users.id'))
        .addColumn('game_id', t.integer, (c) => c.notNull().references('games.id'))
        .addColumn('external_id', 'text')
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('search_title', 'text', (c) => c.notNull())
        .addColumn('slug', 'text', (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('search_description', 'text', (c) => c.notNull())
        .addColumn('parameters', 'text', (c) => c.notNull())
        .addColumn('dump', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('is_manual_delivery', t.integer, (c) => c.notNull())
        .addColumn('delivery_time_duration', t.integer, (c) => c.notNull())
        .addColumn('delivery_time_unit', 'text', (c) => c.notNull())
        .addColumn('delivery_time_seconds', t.integer, (c) => c.notNull())
        .addColumn('delivery_instructions', 'text')
        .addColumn('price_amount', t.integer, (c) => c.notNull())
        .addColumn('price_usd_amount', t.integer, (c) => c.notNull())
        .addColumn('image_urls', 'text', (c) => c.notNull())
        .addColumn('is_legacy', t.integer, (c) => c.notNull())
        .addColumn('credentials', 'text')
        .addColumn('account_order_ids', 'text', (c) => c.notNull())
        .addColumn('views', t.integer, (c) => c.notNull())
        .addColumn('details', 'text', (c) => c.notNull())
        .addColumn('created_at', t.integer, (c) => c.notNull())
        .addColumn('updated_at', t.integer, (c) => c.notNull())
        .addColumn('listed_at', t.integer)
        .addColumn('deleted_at', t.integer)
        .execute();
      // A list is scoped by seller; one index per filter and sort column.
      for (const column of ['id', 'status', 'game_id', 'price_amount', 'views', 'delivery_time_seconds', 'created_at', 'updated_at', 'listed_at']) {
        await db.schema.createIndex(`account_offers_seller_${column}`).on('account_offers').columns(['seller_id', column]).execute();
      }

      await db.schema
        .createTable('account_offer_credentials')
        .addColumn('id', t.id, t.primaryId)
        .addColumn('account_offer_id', t.integer, (c) => c.notNull().references('account_offers.id'))
        .addColumn('credentials', 'text', (c) => c.notNull())
        .addColumn('is_sold', t.integer, (c) => c.notNull())
        .addColumn('account_order_id', t.integer, (c) => c.references('orders.id'))
        .addColumn('created_at', t.integer, (c) => c.notNull())
        .addColumn('updated_at', t.integer, (c) => c.notNull())
        .execute();
      // The purchase takes the oldest unsold credential; the stock is the count of unsold ones.
      await db.schema.createIndex('account_offer_credentials_stock').on('account_offer_credentials').columns(['account_offer_id', 'is_sold', 'id']).execute();
    },
  },
  '0009_item_currency_offers': {
    // Item and currency offers share one table, as the three order kinds do: the common columns
    // for lists and purchases, `details` (JSON text) for each kind's own fields. `price_amount` is
    // EUR per unit in the kind's unit (item: cents, currency: millionths of a euro); `order_ids`
    // (JSON text) lists the orders purchases created, oldest first.
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('item_currency_offers')
        .addColumn('id', t.id, t.primaryId)
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('seller_id', t.integer, (c) => c.notNull().references('users.id'))
        .addColumn('game_id', t.integer, (c) => c.notNull().references('games.id'))
        .addColumn('external_id', 'text')
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('search_title', 'text', (c) => c.notNull())
        .addColumn('slug', 'text', (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('parameters', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('delivery_time_duration', t.integer, (c) => c.notNull())
        .addColumn('delivery_time_unit', 'text', (c) => c.notNull())
        .addColumn('delivery_time_seconds', t.integer, (c) => c.notNull())
        .addColumn('delivery_instructions', 'text')
        .addColumn('stock', t.integer, (c) => c.notNull())
        .addColumn('min_quantity', t.integer, (c) => c.notNull())
        .addColumn('price_amount', t.integer, (c) => c.notNull())
        .addColumn('price_usd_amount', t.integer, (c) => c.notNull())
        .addColumn('views', t.integer, (c) => c.notNull())
        .addColumn('image_urls', 'text', (c) => c.notNull())
        .addColumn('order_ids', 'text', (c) => c.notNull())
        .addColumn('details', 'text', (c) => c.notNull())
        .addColumn('created_at', t.integer, (c) => c.notNull())
        .addColumn('updated_at', t.integer, (c) => c.notNull())
        .addColumn('listed_at', t.integer)
        .execute();
      // Lists are scoped by kind and seller and sorted by one column (id breaks ties).
      for (const column of ['id', 'status', 'game_id', 'price_amount', 'views', 'delivery_time_seconds', 'created_at', 'updated_at', 'listed_at']) {
        await db.schema.createIndex(`item_currency_offers_kind_seller_${column}`).on('item_currency_offers').columns(['kind', 'seller_id', column]).execute();
      }
    },
  },
  '0010_account_offer_counts': {
    // The account offer list's total, when it is filtered by status at most, comes from here
    // instead of counting the seller's offers (and reading each row for deleted_at): kept in the
    // transaction of every insert, status change and delete (store/account-offer-store.ts).
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('account_offer_counts')
        .addColumn('seller_id', t.integer, (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('n', t.integer, (c) => c.notNull())
        .addPrimaryKeyConstraint('account_offer_counts_pk', ['seller_id', 'status'])
        .execute();
      await sql`insert into account_offer_counts (seller_id, status, n)
        select seller_id, status, count(*) from account_offers where deleted_at is null group by seller_id, status`.execute(db);
    },
  },
  '0011_offer_orders': {
    // The orders bought from each offer, one row per purchase: a purchase read the offer's JSON
    // list (account_offers.account_order_ids, item_currency_offers.order_ids) and wrote it back one
    // id longer, so it cost bytes in proportion to what the offer had sold. offer_kind is the
    // offer's: 'account', 'item' or 'currency'; an offer's list is its rows by order_id (order ids
    // grow with time: oldest first, as the JSON lists were). Not derived from orders.offer_id:
    // orders the admin API creates without an offer carry their own id there.
    // The JSON columns stay, unused (new rows get '[]'): dropping them would rebuild both tables
    // on SQLite. Instances not yet upgraded still append to them only: upgrade every instance.
    async up(db: Kysely<any>) {
      const run = async (trx: Kysely<any>) => {
        await trx.schema
          .createTable('offer_orders')
          .addColumn('offer_kind', 'text', (c) => c.notNull())
          .addColumn('offer_id', t.integer, (c) => c.notNull())
          .addColumn('order_id', t.integer, (c) => c.notNull())
          .addPrimaryKeyConstraint('offer_orders_pk', ['offer_kind', 'offer_id', 'order_id'])
          // SQLite: the key is the table (one B-tree to write, not a table and its key's index).
          .$call((b) => (t.dialect === 'sqlite' ? b.modifyEnd(sql`without rowid`) : b))
          .execute();
        if (t.dialect === 'postgres') {
          // Purchases on these rows wait until the commit: none commits to a list after its copy.
          await sql`lock table account_offers, item_currency_offers in share mode`.execute(trx);
          await sql`insert into offer_orders (offer_kind, offer_id, order_id)
            select distinct 'account', o.id, j.value::bigint
              from account_offers o cross join lateral jsonb_array_elements_text(o.account_order_ids::jsonb) as j(value)
            union all
            select distinct o.kind, o.id, j.value::bigint
              from item_currency_offers o cross join lateral jsonb_array_elements_text(o.order_ids::jsonb) as j(value)`.execute(trx);
        } else {
          await sql`insert into offer_orders (offer_kind, offer_id, order_id)
            select distinct 'account', o.id, j.value from account_offers o, json_each(o.account_order_ids) j
            union all
            select distinct o.kind, o.id, j.value from item_currency_offers o, json_each(o.order_ids) j`.execute(trx);
        }
      };
      // PostgreSQL runs each migration in a transaction; SQLite's runs outside one (Kysely): the
      // table and its copy commit together there too, and the first write takes the write lock,
      // so no purchase falls between the copy and the commit.
      if (t.dialect === 'postgres') await run(db);
      else await db.transaction().execute(run);
    },
  },
  '0012_scheduled_jobs': {
    // Time-based work (auto-completion, dispute deadlines, scripted buyers), claimed with a
    // lease as webhook deliveries are; and the sandbox's durable clock (one row), which the
    // scheduler's due times are read against.
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('scheduled_jobs')
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('key', t.key, (c) => c.notNull())
        .addColumn('due_at_ms', t.integer, (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('version', t.integer, (c) => c.notNull())
        .addColumn('lease_until_ms', t.integer)
        .addColumn('attempts', t.integer, (c) => c.notNull())
        .addColumn('last_error', 'text')
        .addPrimaryKeyConstraint('scheduled_jobs_pk', ['kind', 'key'])
        .execute();
      // The claim: due jobs, earliest first.
      await db.schema.createIndex('scheduled_jobs_due').on('scheduled_jobs').columns(['due_at_ms']).execute();
      await db.schema
        .createTable('clock_state')
        .addColumn('id', t.integer, (c) => c.primaryKey())
        .addColumn('offset_ms', t.integer, (c) => c.notNull())
        .addColumn('id_floor_ms', t.integer, (c) => c.notNull())
        .addColumn('updated_at_ms', t.integer, (c) => c.notNull())
        .execute();
    },
  },
  '0013_disputes': {
    // Order dispute cases and their timelines. At most one open case per order: a unique index
    // over the orders of cases not yet closed (partial indexes exist on both dialects).
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('dispute_cases')
        .addColumn('id', t.id, t.primaryId)
        .addColumn('order_kind', 'text', (c) => c.notNull())
        .addColumn('order_id', t.integer, (c) => c.notNull())
        .addColumn('seller_id', t.integer, (c) => c.notNull())
        .addColumn('buyer_id', t.integer, (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('progress_path', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('explanation', 'text', (c) => c.notNull())
        .addColumn('preferred_resolution', 'text', (c) => c.notNull())
        .addColumn('preferred_resolution_note', 'text')
        .addColumn('counter_resolution', 'text')
        .addColumn('escalation_reason', 'text')
        .addColumn('closure_reason', 'text')
        .addColumn('outcome', 'text')
        .addColumn('seller_response_hours', t.integer, (c) => c.notNull())
        .addColumn('buyer_response_hours', t.integer, (c) => c.notNull())
        .addColumn('seller_response_due_at', t.integer)
        .addColumn('buyer_response_due_at', t.integer)
        .addColumn('active_due_at', t.integer)
        .addColumn('locked_at', t.integer)
        .addColumn('closed_at', t.integer)
        .addColumn('created_at', t.integer, (c) => c.notNull())
        .addColumn('updated_at', t.integer, (c) => c.notNull())
        .execute();
      // The list: cases of a party, newest first.
      await db.schema.createIndex('dispute_cases_seller').on('dispute_cases').columns(['seller_id', 'id']).execute();
      await db.schema.createIndex('dispute_cases_buyer').on('dispute_cases').columns(['buyer_id', 'id']).execute();
      await db.schema
        .createIndex('dispute_cases_open_order')
        .on('dispute_cases')
        .columns(['order_kind', 'order_id'])
        .unique()
        .where(sql.ref('closed_at'), 'is', null)
        .execute();
      await db.schema
        .createTable('dispute_events')
        .addColumn('id', t.id, t.primaryId)
        .addColumn('case_id', t.integer, (c) => c.notNull().references('dispute_cases.id'))
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('actor_id', t.integer)
        .addColumn('actor_username', 'text')
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('evidence_urls', 'text', (c) => c.notNull())
        .addColumn('created_at', t.integer, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('dispute_events_case').on('dispute_events').columns(['case_id', 'id']).execute();
    },
  },
  '0016_idempotency_keys': {
    async up(db: Kysely<any>) {
      // One row per (scope, key): the primary key is what makes two instances racing one key
      // write once. status/body null: the write committed, its answer not stored yet.
      await db.schema
        .createTable('idempotency_keys')
        .addColumn('scope', 'text', (c) => c.notNull())
        .addColumn('idempotency_key', 'text', (c) => c.notNull())
        .addColumn('fingerprint', 'text', (c) => c.notNull())
        .addColumn('status', t.integer)
        .addColumn('body', 'text')
        .addColumn('content_type', 'text')
        .addColumn('created_at', t.integer, (c) => c.notNull())
        .addColumn('expires_at', t.integer, (c) => c.notNull())
        .addPrimaryKeyConstraint('idempotency_keys_pk', ['scope', 'idempotency_key'])
        .execute();
      await db.schema.createIndex('idempotency_keys_expires_at').on('idempotency_keys').column('expires_at').execute();
    },
  },
  '0014_buyer_scripts': {
    // The sandbox's scripted buyers: one row per order; steps and their states are JSON.
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('buyer_scripts')
        .addColumn('order_kind', 'text', (c) => c.notNull())
        .addColumn('order_id', t.integer, (c) => c.notNull())
        .addColumn('steps', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('generation', t.integer, (c) => c.notNull())
        .addColumn('created_at', t.integer, (c) => c.notNull())
        .addColumn('updated_at', t.integer, (c) => c.notNull())
        .addPrimaryKeyConstraint('buyer_scripts_pk', ['order_kind', 'order_id'])
        .execute();
    },
  },
  '0015_event_sequence': {
    // The live streams' event log (src/live, src/store/event-log-store.ts): one row per event
    // about an order, written in the transaction of the change. SQLite numbers rows as it
    // inserts them (one writer: rowid order is commit order). PostgreSQL cannot (a sequence value
    // is taken before the commit, so commits land out of order): rows get `seq` after their
    // commit, from one numbering run at a time (EventLogStore.sequence).
    async up(db: Kysely<any>) {
      const pg = t.dialect === 'postgres';
      let table = db.schema.createTable('stream_events').addColumn('id', t.id, t.primaryId);
      if (pg) table = table.addColumn('seq', 'bigint');
      await table
        .addColumn('topic', 'text', (c) => c.notNull())
        .addColumn('order_kind', 'text', (c) => c.notNull())
        .addColumn('order_id', t.integer, (c) => c.notNull())
        .addColumn('seller_id', t.integer, (c) => c.notNull())
        .addColumn('buyer_id', t.integer, (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('created_at', t.integer, (c) => c.notNull())
        .execute();
      const seq = pg ? 'seq' : 'id';
      if (pg) {
        await db.schema.createIndex('stream_events_seq').on('stream_events').column('seq').unique().execute();
        await sql`create index stream_events_unnumbered on stream_events (id) where seq is null`.execute(db);
      }
      await db.schema.createIndex('stream_events_order').on('stream_events').columns(['order_kind', 'order_id', seq]).execute();
      await db.schema.createIndex('stream_events_seller').on('stream_events').columns(['seller_id', seq]).execute();
      await db.schema.createIndex('stream_events_buyer').on('stream_events').columns(['buyer_id', seq]).execute();
      // One row: the last number given (PostgreSQL's numbering) and the last one pruned.
      await db.schema
        .createTable('event_sequence')
        .addColumn('id', t.integer, (c) => c.primaryKey())
        .addColumn('last_seq', t.integer, (c) => c.notNull())
        .addColumn('pruned_through', t.integer, (c) => c.notNull())
        .execute();
      await db.insertInto('event_sequence').values({ id: 1, last_seq: 0, pruned_through: 0 }).execute();
    },
  },
  '0019_seller_order_versions': {
    // One row per seller and order kind, bumped by every write to one of the seller's orders
    // (src/store/seller-versions.ts): a seller's order list can be answered again while it stands.
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('seller_order_versions')
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('seller_id', t.integer, (c) => c.notNull())
        .addColumn('version', t.integer, (c) => c.notNull())
        .addPrimaryKeyConstraint('seller_order_versions_pk', ['kind', 'seller_id'])
        .execute();
    },
  },
  '0018_order_versions': {
    // Bumped by every UPDATE of an order (kysely-store.ts): an answer built from the order can be
    // sent again while its version is unchanged (src/http/answer-cache.ts).
    async up(db: Kysely<any>) {
      await db.schema.alterTable('orders').addColumn('version', t.integer, (c) => c.notNull().defaultTo(0)).execute();
    },
  },
  '0017_stream_events_unindexed': {
    // The log's three scope indexes cost a third of the send's store CPU (bench/README.md): a
    // replay now reads its scope from the number range instead (EventLogStore.read, `through`).
    async up(db: Kysely<any>) {
      for (const index of ['stream_events_order', 'stream_events_seller', 'stream_events_buyer']) {
        await db.schema.dropIndex(index).execute();
      }
    },
  },
});

/** Every migration's name, in the order they apply. */
export function migrationNames(): string[] {
  return Object.keys(migrations(columnTypes('sqlite'))).sort();
}

/** The migrations for one dialect: the same names and steps, the dialect's column types. */
class InCodeMigrationProvider implements MigrationProvider {
  constructor(private readonly dialect: DialectName) {}

  async getMigrations(): Promise<Record<string, Migration>> {
    return migrations(columnTypes(this.dialect));
  }
}

/**
 * Brings the schema up to date. Every instance runs this at start-up; on PostgreSQL Kysely's
 * migrator holds an advisory lock meanwhile and each migration runs in a transaction, so
 * instances starting together migrate once.
 */
export async function migrateToLatest(db: Kysely<any>, dialect: DialectName): Promise<void> {
  await migrate(db, dialect, (migrator) => migrator.migrateToLatest());
}

/** Brings the schema to the migration `name` and no further (tests of a later migration's data). */
export async function migrateTo(db: Kysely<any>, dialect: DialectName, name: string): Promise<void> {
  await migrate(db, dialect, (migrator) => migrator.migrateTo(name));
}

async function migrate(db: Kysely<any>, dialect: DialectName, run: (migrator: Migrator) => Promise<MigrationResultSet>): Promise<void> {
  const migrator = new Migrator({ db, provider: new InCodeMigrationProvider(dialect) });
  const { error, results } = await run(migrator);
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`migration ${failed?.migrationName ?? ''} failed: ${String((error as Error)?.message ?? error)}`);
  }
}

export { sql };
