import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type OpenDatabase } from '../../src/store/database.js';
import { migrateTo, migrateToLatest } from '../../src/store/migrations.js';
import { createTestDatabase } from '../support/test-db.js';
import { skipWithoutPostgres } from './postgres-test-support.js';

/**
 * Migration 0005 keys messages by (order_kind, order_id, id) instead of the id alone, rebuilding
 * the table on SQLite: the messages written before it come through unchanged, a thread is read
 * in id order from the key itself, and one B-tree per message is left to write.
 */

const pgSkip = await skipWithoutPostgres('messages thread key on PostgreSQL');

const BEFORE = '0004_webhook_retention';

const MESSAGES = [
  { id: '01JDA0000000000000000000A1', order_kind: 'account', order_id: 7, type: 'system_message', text: 'Order created', attachment: null, sender_id: null, sent_at: 1_700_000_000 },
  { id: '01JDA0000000000000000000A3', order_kind: 'account', order_id: 7, type: 'user_message', text: 'héllo 👋', attachment: '{"url":"https://example.test/a.png"}', sender_id: 1, sent_at: 1_700_000_002 },
  { id: '01JDA0000000000000000000A2', order_kind: 'item', order_id: 7, type: 'user_message', text: 'other kind, same id', attachment: null, sender_id: 1, sent_at: 1_700_000_001 },
  { id: '01JDA0000000000000000000A0', order_kind: 'account', order_id: 8, type: 'user_message', text: 'other order', attachment: null, sender_id: null, sent_at: 1_700_000_003 },
];

describe.each([
  { dialect: 'sqlite' as const, skip: false },
  { dialect: 'postgres' as const, skip: pgSkip },
])('messages keyed by thread on $dialect', ({ dialect, skip }) => {
  let handle: OpenDatabase;
  let cleanUp: () => Promise<void> = async () => {};

  beforeAll(async () => {
    if (skip) return;
    const database = await createTestDatabase(dialect);
    cleanUp = database.drop;
    handle = openDatabase(database.config);
    await migrateTo(handle.db, dialect, BEFORE);
    await handle.db.insertInto('users').values({ username: 'seller', role: 'seller', created_at: 1_700_000_000 }).execute();
    await handle.db.insertInto('messages').values(MESSAGES).execute();
    await migrateToLatest(handle.db, dialect);
  });

  afterAll(async () => {
    await handle?.close();
    await cleanUp();
  });

  it.skipIf(skip)('keeps every message written before it, unchanged', async () => {
    const rows = await handle.db.selectFrom('messages').selectAll().orderBy('sent_at').execute();
    expect(rows.map((r) => ({ ...r, order_id: Number(r.order_id), sender_id: r.sender_id === null ? null : Number(r.sender_id), sent_at: Number(r.sent_at) })))
      .toEqual([...MESSAGES].sort((a, b) => a.sent_at - b.sent_at));
  });

  it.skipIf(skip)('refuses a second message with the same id in one thread and writes nothing', async () => {
    const duplicate = { ...MESSAGES[1]!, text: 'a second copy' };
    await expect(handle.db.insertInto('messages').values(duplicate).execute()).rejects.toThrow(/unique|duplicate/i);
    const copies = await handle.db.selectFrom('messages').select('text').where('id', '=', duplicate.id).execute();
    expect(copies).toEqual([{ text: MESSAGES[1]!.text }]);
  });

  it.skipIf(skip)('has one index on messages, the thread key, and reads a thread in id order from it', async () => {
    if (dialect === 'sqlite') {
      const indexes = await sql<{ name: string; origin: string }>`select name, origin from pragma_index_list('messages')`.execute(handle.db);
      expect(indexes.rows).toEqual([{ name: 'sqlite_autoindex_messages_1', origin: 'pk' }]);
      const columns = await sql<{ name: string }>`select name from pragma_index_info('sqlite_autoindex_messages_1') order by seqno`.execute(handle.db);
      expect(columns.rows.map((c) => c.name)).toEqual(['order_kind', 'order_id', 'id']);
      const plan = await sql<{ detail: string }>`explain query plan
        select * from messages where order_kind = ${'account'} and order_id = ${7} order by id`.execute(handle.db);
      const details = plan.rows.map((r) => r.detail).join('\n');
      expect(details).toMatch(/USING INDEX sqlite_autoindex_messages_1 \(order_kind=\? AND order_id=\?\)/);
      // The key's own order serves the sort: no temporary B-tree.
      expect(details).not.toMatch(/TEMP B-TREE/);
    } else {
      const indexes = await sql<{ indexname: string; indexdef: string }>`select indexname, indexdef from pg_indexes where tablename = 'messages'`.execute(handle.db);
      expect(indexes.rows.map((r) => r.indexname)).toEqual(['messages_pk']);
      expect(indexes.rows[0]!.indexdef).toMatch(/UNIQUE INDEX messages_pk ON public\.messages USING btree \(order_kind, order_id, id\)/);
    }
    const thread = await handle.db.selectFrom('messages').select('id')
      .where('order_kind', '=', 'account').where('order_id', '=', 7).orderBy('id').execute();
    expect(thread.map((m) => m.id)).toEqual(['01JDA0000000000000000000A1', '01JDA0000000000000000000A3']);
  });
});
