import { Kysely, Migrator, sql, type Migration, type MigrationProvider } from 'kysely';

/**
 * Migrations live in code so that a single binary can migrate its own database at start-up.
 * Each one is append-only: never edit a migration that has shipped, add a new one.
 */
const migrations: Record<string, Migration> = {
  '0001_core': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('users')
        .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
        .addColumn('username', 'text', (c) => c.notNull().unique())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('created_at', 'integer', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('api_keys')
        .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('expires_at', 'integer')
        .addColumn('revoked_at', 'integer')
        .addColumn('last_used_at', 'integer')
        .addColumn('created_at', 'integer', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('games')
        .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('slug', 'text', (c) => c.notNull().unique())
        .execute();

      await db.schema
        .createTable('orders')
        .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('offer_id', 'integer', (c) => c.notNull())
        .addColumn('game_id', 'integer', (c) => c.notNull().references('games.id'))
        .addColumn('seller_id', 'integer', (c) => c.notNull().references('users.id'))
        .addColumn('buyer_id', 'integer', (c) => c.notNull().references('users.id'))
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('search_title', 'text', (c) => c.notNull())
        .addColumn('description', 'text')
        .addColumn('parameters', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('is_disputed', 'integer', (c) => c.notNull())
        .addColumn('dispute_case_id', 'integer')
        .addColumn('delivery_time_duration', 'integer', (c) => c.notNull())
        .addColumn('delivery_time_unit', 'text', (c) => c.notNull())
        .addColumn('delivery_time_seconds', 'integer', (c) => c.notNull())
        .addColumn('price_amount', 'integer', (c) => c.notNull())
        .addColumn('price_usd_amount', 'integer', (c) => c.notNull())
        .addColumn('rating', 'text')
        .addColumn('credentials', 'text')
        .addColumn('details', 'text', (c) => c.notNull())
        .addColumn('created_at', 'integer', (c) => c.notNull())
        .addColumn('updated_at', 'integer', (c) => c.notNull())
        .addColumn('purchased_at', 'integer', (c) => c.notNull())
        .addColumn('completed_at', 'integer')
        .addColumn('refunded_at', 'integer')
        .execute();

      // A list is always scoped by kind and seller; one index per filter/sort column keeps
      // every page an index range scan whatever the table size.
      for (const column of ['id', 'status', 'game_id', 'buyer_id', 'price_amount', 'delivery_time_seconds',
        'created_at', 'updated_at', 'purchased_at', 'completed_at', 'refunded_at']) {
        await db.schema
          .createIndex(`orders_kind_seller_${column}`)
          .on('orders')
          .columns(['kind', 'seller_id', column])
          .execute();
      }
      await db.schema.createIndex('orders_kind_offer').on('orders').columns(['kind', 'offer_id', 'seller_id']).execute();

      await db.schema
        .createTable('messages')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('order_kind', 'text', (c) => c.notNull())
        .addColumn('order_id', 'integer', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('text', 'text', (c) => c.notNull())
        .addColumn('attachment', 'text')
        .addColumn('sender_id', 'integer', (c) => c.references('users.id'))
        .addColumn('sent_at', 'integer', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('messages_thread').on('messages').columns(['order_kind', 'order_id', 'id']).execute();
    },
  },
  '0002_webhooks': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('webhook_endpoints')
        .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id'))
        .addColumn('url', 'text', (c) => c.notNull())
        .addColumn('description', 'text')
        .addColumn('events', 'text', (c) => c.notNull())
        // Sealed with the credentials cipher: signing needs the secret back, so it cannot be a hash.
        .addColumn('secret', 'text', (c) => c.notNull())
        .addColumn('previous_secret', 'text')
        .addColumn('previous_secret_expires_at', 'integer')
        .addColumn('disabled_at', 'integer')
        .addColumn('disabled_reason', 'text')
        .addColumn('deleted_at', 'integer')
        .addColumn('created_at', 'integer', (c) => c.notNull())
        .addColumn('updated_at', 'integer', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('webhook_endpoints_user').on('webhook_endpoints').columns(['user_id', 'id']).execute();

      await db.schema
        .createTable('webhook_events')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('topic', 'text', (c) => c.notNull())
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id'))
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('created_at', 'integer', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('webhook_deliveries')
        .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
        .addColumn('event_id', 'text', (c) => c.notNull().references('webhook_events.id'))
        .addColumn('endpoint_id', 'integer', (c) => c.notNull().references('webhook_endpoints.id'))
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('next_attempt_at_ms', 'integer', (c) => c.notNull())
        .addColumn('lease_until_ms', 'integer')
        .addColumn('created_at', 'integer', (c) => c.notNull())
        .addColumn('finished_at', 'integer')
        .execute();
      // The worker's claim: due pending deliveries, oldest first.
      await db.schema.createIndex('webhook_deliveries_due').on('webhook_deliveries').columns(['state', 'next_attempt_at_ms']).execute();

      await db.schema
        .createTable('webhook_attempts')
        .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
        .addColumn('delivery_id', 'integer', (c) => c.notNull().references('webhook_deliveries.id'))
        .addColumn('endpoint_id', 'integer', (c) => c.notNull().references('webhook_endpoints.id'))
        .addColumn('event_id', 'text', (c) => c.notNull())
        .addColumn('attempt', 'integer', (c) => c.notNull())
        .addColumn('attempted_at_ms', 'integer', (c) => c.notNull())
        .addColumn('status_code', 'integer')
        .addColumn('duration_ms', 'integer', (c) => c.notNull())
        .addColumn('error', 'text')
        .execute();
      await db.schema.createIndex('webhook_attempts_endpoint').on('webhook_attempts').columns(['endpoint_id', 'id']).execute();
    },
  },
};

class InCodeMigrationProvider implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    return migrations;
  }
}

export async function migrateToLatest(db: Kysely<any>): Promise<void> {
  const migrator = new Migrator({ db, provider: new InCodeMigrationProvider() });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`migration ${failed?.migrationName ?? ''} failed: ${String((error as Error)?.message ?? error)}`);
  }
}

export { sql };
