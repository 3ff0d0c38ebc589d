import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { systemClock } from '../../src/domain/clock.js';
import { ForbiddenError } from '../../src/domain/errors.js';
import { MessageIdGenerator } from '../../src/domain/message-id.js';
import { sendOrderMessage } from '../../src/domain/order-chat.js';
import type { Store } from '../../src/domain/ports.js';
import { actorFor, type User } from '../../src/domain/users.js';
import { formatWebhookEvent } from '../../src/contract/webhook-events.js';
import { CredentialCipher } from '../../src/store/credential-cipher.js';
import { isDatabaseUnavailable } from '../../src/store/database-errors.js';
import { openDatabase, type OpenDatabase } from '../../src/store/database.js';
import { hotQueries } from '../../src/store/hot-queries.js';
import { eventLogWriter } from '../../src/store/event-log-store.js';
import { createKyselyStore } from '../../src/store/kysely-store.js';
import { migrateToLatest } from '../../src/store/migrations.js';
import { GroupCommitFailed, PgGroupCommitter } from '../../src/store/pg-group-commit.js';
import { postgresRunners, type QueryRunner, type QueryRunners } from '../../src/store/query-runner.js';
import { SyncPg } from '../support/sync-pg.js';
import { createTestDatabase } from '../support/test-db.js';
import { skipWithoutPostgres } from './postgres-test-support.js';

/**
 * The PostgreSQL group commit under the real send (domain/order-chat.ts), on a real server: sends
 * given together share one transaction, each with its own outcome; a reply comes only once the
 * message is visible on another connection; a failed COMMIT fails its whole batch as unavailable.
 */

const skip = await skipWithoutPostgres('PostgreSQL group commit');

/** Text that a deferred trigger refuses at COMMIT, after every statement of the batch has passed. */
const FAILS_AT_COMMIT = 'this one fails at commit';

describe.skipIf(skip)('PostgreSQL group commit of sends', () => {
  let opened: OpenDatabase;
  let drop: () => Promise<void>;
  /** Another connection, outside the application's pool: it sees committed rows only. Synchronous, so a check made when a send resolves runs before anything else can commit. */
  let observer: SyncPg;
  let committer: PgGroupCommitter;
  let store: Store;
  let seller: User;
  let stranger: User;
  let orderId: number;
  let strangerOrderId: number;
  let buyerId: number;
  /** The text of every precompiled statement the stores ran inside a transaction, in order. */
  const inTransaction: string[] = [];
  /** Orders that two instances send to at once, each walking them in the opposite direction. */
  let crossed: number[];
  /** A second instance on the same database: its own pool, committer and store. */
  let other: { opened: OpenDatabase; committer: PgGroupCommitter; store: Store };

  beforeAll(async () => {
    const database = await createTestDatabase('postgres');
    drop = database.drop;
    opened = openDatabase(database.config);
    await migrateToLatest(opened.db, 'postgres');
    committer = new PgGroupCommitter(opened.db);
    store = storeOn(opened, committer);
    const now = 1_700_000_000;
    seller = await store.users.create({ username: 'seller', role: 'seller', created_at: now });
    stranger = await store.users.create({ username: 'stranger', role: 'seller', created_at: now });
    const buyer = await store.users.create({ username: 'buyer', role: 'buyer', created_at: now });
    buyerId = buyer.id;
    const game = await opened.db.insertInto('games').values({ name: 'Game', slug: 'game' }).returning('id').executeTakeFirstOrThrow();
    const orderFields = {
      kind: 'account', offer_id: 1, game_id: game.id, seller_id: seller.id, buyer_id: buyer.id, title: 'An account', description: null,
      parameters: {}, status: 'pending', is_disputed: false, dispute_case_id: null, delivery_time_duration: 1, delivery_time_unit: 'hours',
      price_amount: 1000, price_usd_amount: 1100, rating: null, credentials: null, details: {},
      created_at: now, updated_at: now, purchased_at: now, completed_at: null, refunded_at: null,
    } as const;
    orderId = (await store.orders.insert(orderFields)).id;
    strangerOrderId = (await store.orders.insert({ ...orderFields, seller_id: stranger.id })).id;
    crossed = [];
    for (let i = 0; i < 12; i++) crossed.push((await store.orders.insert(orderFields)).id);
    const otherOpened = openDatabase(database.config);
    const otherCommitter = new PgGroupCommitter(otherOpened.db);
    other = { opened: otherOpened, committer: otherCommitter, store: storeOn(otherOpened, otherCommitter) };
    // A deferred constraint trigger runs at COMMIT: the batch's statements all pass, its COMMIT fails.
    await sql.raw(`create function refuse_at_commit() returns trigger language plpgsql as $$
      begin if new.text = '${FAILS_AT_COMMIT}' then raise exception 'refused at commit'; end if; return null; end $$`).execute(opened.db);
    await sql.raw(`create constraint trigger refuse_at_commit after insert on messages deferrable initially deferred
      for each row execute function refuse_at_commit()`).execute(opened.db);
    observer = new SyncPg((database.config as { url: string }).url);
  });

  const storeOn = (database: OpenDatabase, sharedCommits: PgGroupCommitter) => createKyselyStore(database.db, {
    clock: systemClock,
    messageIds: new MessageIdGenerator(),
    cipher: new CredentialCipher(Buffer.alloc(32, 7)),
    formatEvent: formatWebhookEvent,
    sharedCommits,
    lockRows: true,
    fast: { runners: recorded(postgresRunners(database.db)), queries: hotQueries(database.db, 'postgres') },
    eventLog: eventLogWriter(database.db, postgresRunners(database.db), formatWebhookEvent),
  });

  const recorded = (runners: QueryRunners): QueryRunners => ({
    ...runners,
    inTransaction(trx) {
      const runner = runners.inTransaction(trx);
      return {
        all: (query, args) => (inTransaction.push(query.sql), runner.all(query, args)),
        first: (query, args) => (inTransaction.push(query.sql), runner.first(query, args)),
        run: (query, args) => (inTransaction.push(query.sql), runner.run(query, args)),
      } satisfies QueryRunner;
    },
  });

  afterAll(async () => {
    await other?.opened.close();
    observer?.close();
    await opened?.close();
    await drop?.();
  });

  const quote = (text: string) => `'${text.replace(/'/g, "''")}'`;
  const visible = (id: string) => observer.query(`select 1 from messages where id = ${quote(id)}`).rowCount === 1;
  const storedTexts = (texts: string[]) =>
    observer.query(`select text from messages where text in (${texts.map(quote).join(', ')}) order by text`).rows.map((r) => r.text as string);
  /** The live streams' log rows of these texts' messages, in the log's order: text, order, seller, buyer. */
  const loggedTexts = (texts: string[]) => observer
    .query('select payload, order_id, seller_id, buyer_id from stream_events order by id').rows
    .map((r) => ({ text: (JSON.parse(r.payload as string) as { message: { text: string } }).message?.text, order: Number(r.order_id), seller: Number(r.seller_id), buyer: Number(r.buyer_id) }))
    .filter((r) => texts.includes(r.text));
  const send = (user: User, text: string) => sendOrderMessage(store, actorFor(user, null), 'account', orderId, text);

  it('shares one COMMIT among sends given together, and resolves each only once its message is visible on another connection', async () => {
    const before = committer.commits;
    const texts = Array.from({ length: 20 }, (_, i) => `together ${i}`);
    const seen = await Promise.all(texts.map((text) => send(seller, text).then((message) => ({ message, visible: visible(message.id) }))));
    expect(seen.every((s) => s.visible)).toBe(true);
    expect(seen.map((s) => s.message.text)).toEqual(texts);
    expect(committer.commits - before).toBe(1);
    // The batch's log rows, written in one statement: one per send, in the sends' order, each
    // with its order's seller and buyer.
    const logged = loggedTexts(texts);
    expect(logged.map((r) => r.text)).toEqual(texts);
    for (const row of logged) expect(row).toMatchObject({ order: orderId, seller: seller.id, buyer: buyerId });
  });

  it('stores every text of a batch exactly, in the messages and in the log: quotes, backslashes, JSON, line breaks, astral characters', async () => {
    const texts = ['say "hi"', 'C:\\path\\to', '{"a":[1,"b"]}', 'line 1\nline 2\r\n\ttab', 'emoji 🎮 and 中文', "it's", '\\u0041 is not A', '   '];
    const before = committer.commits;
    const sent = await Promise.all(texts.map((text) => send(seller, text)));
    expect(committer.commits - before).toBe(1);
    const stored = observer.query(`select id, text from messages where id in (${sent.map((m) => quote(m.id)).join(', ')})`).rows;
    expect(new Map(stored.map((r) => [r.id as string, r.text as string]))).toEqual(new Map(sent.map((m, i) => [m.id, texts[i]!])));
    expect(loggedTexts(texts).map((r) => r.text)).toEqual(texts);
  });

  it('fails only the send the checks refuse; the rest of its batch commits', async () => {
    const before = committer.commits;
    const results = await Promise.allSettled([send(seller, 'refusal a'), send(stranger, 'refusal b'), send(seller, 'refusal c')]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(ForbiddenError);
    expect(storedTexts(['refusal a', 'refusal b', 'refusal c'])).toEqual(['refusal a', 'refusal c']);
    expect(committer.commits - before).toBe(1);
  });

  it('runs each send alone when a write fails the batch, so only the send it belongs to fails', async () => {
    // PostgreSQL refuses U+0000 in text: the batch's one INSERT fails as a whole.
    const results = await Promise.allSettled([send(seller, 'write a'), send(seller, 'write \u0000 b'), send(seller, 'write c')]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    for (const r of results) if (r.status === 'fulfilled') expect(visible(r.value.id)).toBe(true);
    expect(storedTexts(['write a', 'write c'])).toEqual(['write a', 'write c']);
    // Run alone, the two sends commit in whichever order they take the order's lock.
    expect(loggedTexts(['write a', 'write \u0000 b', 'write c']).map((r) => r.text).sort()).toEqual(['write a', 'write c']);
  });

  it('fails every send of a batch whose COMMIT fails as unavailable (503), stores none, and the next batch commits', async () => {
    const texts = ['commit a', FAILS_AT_COMMIT, 'commit c'];
    const results = await Promise.allSettled(texts.map((text) => send(seller, text)));
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    for (const r of results) {
      const reason = (r as PromiseRejectedResult).reason;
      expect(reason).toBeInstanceOf(GroupCommitFailed);
      expect(String(reason.cause)).toMatch(/refused at commit/);
      // What the HTTP error handler answers 503 for.
      expect(isDatabaseUnavailable(reason)).toBe(true);
    }
    expect(storedTexts(texts)).toEqual([]);
    expect(loggedTexts(texts)).toEqual([]);

    const next = await Promise.all([send(seller, 'after a'), send(seller, 'after b')]);
    for (const message of next) expect(visible(message.id)).toBe(true);
  });

  it("reads each seller's endpoints behind its order's locked read: a batch over two sellers queues each send for its own seller's live endpoints", async () => {
    const now = 1_700_000_000;
    const endpoint = (user: User, events: string[]) =>
      store.webhooks.createEndpoint({ user_id: user.id, url: 'https://hooks.example/in', description: null, events, secret: 'whsec_test', created_at: now });
    const mine = await endpoint(seller, ['order.message.created']);
    const otherTopic = await endpoint(seller, ['order.completed']);
    const disabled = await endpoint(seller, ['order.message.created']);
    await store.webhooks.updateEndpoint(disabled.id, { disabled_at: now, disabled_reason: 'test' });
    const theirs = await endpoint(stranger, ['order.message.created']);
    const sendAs = (user: User, id: number, text: string) => sendOrderMessage(store, actorFor(user, null), 'account', id, text);
    try {
      const before = committer.commits;
      inTransaction.length = 0;
      const texts = ['endpoints seller 1', 'endpoints stranger 1', 'endpoints seller 2', 'endpoints stranger 2'];
      await Promise.all(texts.map((text, i) => (i % 2 === 0 ? sendAs(seller, orderId, text) : sendAs(stranger, strangerOrderId, text))));
      expect(committer.commits - before).toBe(1);
      const queued = observer
        .query('select d.endpoint_id, e.payload from webhook_deliveries d join webhook_events e on e.id = d.event_id order by d.id').rows
        .map((r) => ({ endpoint: Number(r.endpoint_id), text: (JSON.parse(r.payload as string) as { payload: { message: { text: string } } }).payload.message.text }))
        .filter((r) => texts.includes(r.text));
      expect(queued).toEqual([
        { endpoint: mine.id, text: texts[0] }, { endpoint: theirs.id, text: texts[1] },
        { endpoint: mine.id, text: texts[2] }, { endpoint: theirs.id, text: texts[3] },
      ]);
      // One endpoints read per order, sent behind it; the outbox's own per-seller read never ran.
      const hot = hotQueries(opened.db, 'postgres');
      expect(inTransaction.filter((q) => q === hot.liveEndpointsOfOrderSeller.sql)).toHaveLength(2);
      expect(inTransaction).not.toContain(hot.liveEndpointsOfUser.sql);
    } finally {
      for (const e of [mine, otherTopic, disabled, theirs]) await store.webhooks.updateEndpoint(e.id, { deleted_at: now });
    }
  });

  it("runs one batch per scope at a time: items of a running batch's scope wait for the next batch, other scopes start meanwhile", async () => {
    const own = new PgGroupCommitter(opened.db);
    const batches: string[][] = [];
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const work = async (_trx: unknown, items: string[]) => {
      batches.push([...items]);
      if (items.includes('x1')) await gate;
      return { outcomes: items.map((value) => ({ ok: true as const, value })) };
    };
    // The scope is the item's letter (a send's is its order).
    const run = (item: string) => own.runShared(work, item, work, item[0]);
    const first = [run('x1'), run('y1')];
    await vi.waitFor(() => expect(batches).toHaveLength(1));
    const later = [run('x2'), run('z1'), run('y2')];
    await vi.waitFor(() => expect(batches).toHaveLength(2));
    expect(batches[1]).toEqual(['z1']);
    open();
    expect(await Promise.all([...first, ...later])).toEqual(['x1', 'y1', 'x2', 'z1', 'y2']);
    expect(batches).toEqual([['x1', 'y1'], ['z1'], ['x2', 'y2']]);
    expect(own.commits).toBe(3);
  });

  it('locks the orders of a batch in one order, so two instances sending to the same orders in opposite orders both commit as batches', async () => {
    // Without a common lock order, one batch would hold the first orders and wait for the last
    // while the other held the last and waited for the first: PostgreSQL would abort one
    // (deadlock) and its sends would run alone, outside its committer.
    const before = committer.commits + other.committer.commits;
    const sendTo = (target: Store, id: number, text: string) => sendOrderMessage(target, actorFor(seller, null), 'account', id, text);
    const sent = await Promise.all([
      ...crossed.map((id) => sendTo(store, id, `cross a ${id}`)),
      ...[...crossed].reverse().map((id) => sendTo(other.store, id, `cross b ${id}`)),
    ]);
    for (const message of sent) expect(visible(message.id)).toBe(true);
    expect(committer.commits + other.committer.commits - before).toBe(2);
  });
});
