/**
 * `npx tsx bench/fan-out-log-cost.ts`: the CPU the live streams' log adds to a send on SQLite,
 * measured alone (req/s on the shared machine moves by more than it): the log's INSERT ... SELECT
 * against the message INSERT the send already runs, each prepared once and run N times inside
 * one transaction, as the group commit runs a batch's sends. Prints microseconds per statement.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../src/store/database.js';
import { migrateToLatest } from '../src/store/migrations.js';
import { hotQueries } from '../src/store/hot-queries.js';
import { eventLogWriter } from '../src/store/event-log-store.js';
import { sqliteRunner } from '../src/store/query-runner.js';
import { formatWebhookEvent } from '../src/contract/webhook-events.js';
import type { DomainEvent } from '../src/domain/events.js';
import { messageSender } from '../src/domain/system-sender.js';

const N = 20_000;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-log-cost-'));
const { db, dialect, sqlite, close } = openDatabase({ dialect: 'sqlite', file: path.join(dir, 'cost.sqlite') });
await migrateToLatest(db, dialect);
const handle = sqlite!.writer;
handle.connection.exec(`
  insert into users (id, username, role, created_at) values (1, 'seller', 'seller', 0), (2, 'buyer', 'buyer', 0);
  insert into games (id, name, slug) values (1, 'Game', 'game');
`);
const order = { kind: 'account', offer_id: 1, game_id: 1, seller_id: 1, buyer_id: 2, title: 'T', search_title: 't', description: null, parameters: '{}', status: 'pending',
  is_disputed: 0, dispute_case_id: null, delivery_time_duration: 1, delivery_time_unit: 'hours', delivery_time_seconds: 3600, price_amount: 1, price_usd_amount: 1,
  rating: null, credentials: null, details: '{}', created_at: 0, updated_at: 0, purchased_at: 0, completed_at: null, refunded_at: null };
await db.insertInto('orders').values(order as never).execute();
const runner = sqliteRunner(handle);
const queries = hotQueries(db, 'sqlite');
const writer = eventLogWriter(db, { read: runner, write: runner, inTransaction: () => runner, versions: runner }, formatWebhookEvent);
const fakeTx = { isTransaction: true } as never;

function message(i: number) {
  return { id: `01J${String(i).padStart(23, '0')}`, order_kind: 'account' as const, order_id: 1, type: 'user_message' as const,
    text: 'Hello from the benchmark: is the account ready?', attachment: null, sender: messageSender({ id: 2, username: 'buyer', role: 'buyer' }), sent_at: 0 };
}

async function timed(label: string, run: (i: number) => Promise<void>): Promise<number> {
  handle.connection.exec('begin');
  const started = process.cpuUsage();
  for (let i = 0; i < N; i++) await run(i);
  const used = process.cpuUsage(started);
  handle.connection.exec('commit');
  const micros = (used.user + used.system) / N;
  process.stdout.write(`${label}: ${micros.toFixed(2)} µs CPU per statement (${N} in one transaction)\n`);
  return micros;
}

for (let round = 1; round <= 3; round++) {
  process.stdout.write(`round ${round}\n`);
  const base = round * 1_000_000;
  await timed('  message INSERT (the send today)', async (i) => {
    const m = message(base + i);
    await runner.run(queries.insertMessage, { ...m, sender_id: 2, attachment: null });
  });
  await timed('  event log INSERT ... SELECT, the payload formatted (what streams add)', async (i) => {
    const event: DomainEvent = { type: 'order.message.created', order: { kind: 'account', id: 1, seller_id: 1 }, message: message(base + N + i) };
    await writer.append(fakeTx, [event], 0);
  });
}
await close();
fs.rmSync(dir, { recursive: true, force: true });
