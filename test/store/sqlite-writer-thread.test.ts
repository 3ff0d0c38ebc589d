import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ForbiddenError, NotFoundError } from '../../src/domain/errors.js';
import type { DomainEvent } from '../../src/domain/events.js';
import type { MessageRecord } from '../../src/domain/ports.js';
import { actorFor, type Actor, type User } from '../../src/domain/users.js';
import { MAIN_THREAD, SqliteWriteLock, WRITER_THREAD } from '../../src/store/sqlite-write-lock.js';
import { SqliteWriterThread } from '../../src/store/sqlite-writer-thread.js';
import type { TestUser } from '../support/fixtures.js';
import { startTestParley, type TestParley } from '../support/parley.js';

/**
 * The writer thread on its own, over the file of a real server (which set up the schema and the
 * users and orders): a second process-like writer, with a write lock of its own.
 */
let parley: TestParley;
let seller: TestUser;
let buyer: TestUser;
let stranger: TestUser;
let threads: SqliteWriterThread[] = [];

beforeAll(async () => {
  parley = await startTestParley();
  seller = await parley.fixtures.user('seller');
  buyer = await parley.fixtures.user('buyer');
  stranger = await parley.fixtures.user('seller');
});
afterAll(() => parley.close());
afterEach(async () => {
  await Promise.all(threads.map((thread) => thread.close()));
  threads = [];
});

function actorOf(user: TestUser): Actor {
  const row = parley.readDb((db) => db.prepare('select id, username, role, created_at from users where id = ?').get(user.id)) as User;
  return actorFor(row, user.keyId);
}

async function startThread(lock = SqliteWriteLock.create()) {
  const committed: DomainEvent[] = [];
  const restarts: Error[] = [];
  const thread = await SqliteWriterThread.start({
    file: parley.dbFile,
    writeLock: lock,
    encryptionKey: randomBytes(32),
    onCommitted: (events) => committed.push(...events),
    onRestart: (error) => restarts.push(error),
  });
  threads.push(thread);
  return { thread, committed, restarts, lock };
}

const storedTexts = (orderId: number) =>
  (parley.readDb((db) => db.prepare("select text from messages where order_kind = 'account' and order_id = ? and type = 'user_message' order by rowid").all(orderId)) as { text: string }[])
    .map((row) => row.text);

const settled = <T>(promises: Promise<T>[]) => Promise.allSettled(promises);

describe('SqliteWriterThread', () => {
  it('resolves a send once its row is committed (another connection sees it), and tells its events first', async () => {
    const { thread, committed } = await startThread();
    const order = await parley.fixtures.order(seller, buyer, { status: 'pending' });
    const message = await thread.send(actorOf(seller), 'account', order.id, 'hello from the writer thread');
    expect(storedTexts(order.id)).toEqual(['hello from the writer thread']);
    expect(message).toMatchObject({ order_kind: 'account', order_id: order.id, type: 'user_message', text: 'hello from the writer thread', sender: { id: seller.id } });
    expect(committed).toEqual([{ type: 'order.message.created', order: { kind: 'account', id: order.id, seller_id: seller.id }, message }]);
  });

  it('gives each send of a shared batch its own outcome: refused sends get their domain error and store nothing', async () => {
    const { thread, committed } = await startThread();
    const open = await parley.fixtures.order(seller, buyer, { status: 'in_delivery' });
    const closed = await parley.fixtures.order(seller, buyer, { status: 'delivered' });
    const sellerActor = actorOf(seller);
    // Sent in one turn of the event loop: they travel in one post and commit together.
    const outcomes = await settled([
      thread.send(sellerActor, 'account', open.id, 'one'),
      thread.send(sellerActor, 'account', closed.id, 'to a closed order'),
      thread.send(actorOf(stranger), 'account', open.id, 'from a stranger'),
      thread.send(sellerActor, 'account', 999_999_999, 'to no order'),
      thread.send(actorOf(buyer), 'account', open.id, 'two'),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'rejected', 'fulfilled']);
    const reasons = outcomes.map((o) => (o.status === 'rejected' ? o.reason : null));
    expect(reasons[1]).toBeInstanceOf(ForbiddenError);
    expect((reasons[1] as Error).message).toBe('The order must be in processing status (pending or in_delivery) to perform this action.');
    expect(reasons[2]).toBeInstanceOf(ForbiddenError);
    expect((reasons[2] as Error).message).toBe('This action is unauthorized.');
    expect(reasons[3]).toBeInstanceOf(NotFoundError);
    expect(storedTexts(open.id)).toEqual(['one', 'two']);
    expect(storedTexts(closed.id)).toEqual([]);
    expect(committed.map((e) => (e as { message: MessageRecord }).message.text)).toEqual(['one', 'two']);
  });

  it('when a write fails, rolls its batch back and sends each one alone: only the failing send fails', async () => {
    const { thread } = await startThread();
    const order = await parley.fixtures.order(seller, buyer, { status: 'pending' });
    parley.writeDb((db) => db.prepare(
      `create trigger refuse_boom before insert on messages when new.text = 'boom' and new.order_id = ${order.id}
       begin select raise(abort, 'boom refused'); end`).run());
    try {
      const actor = actorOf(seller);
      const outcomes = await settled([thread.send(actor, 'account', order.id, 'before'), thread.send(actor, 'account', order.id, 'boom'), thread.send(actor, 'account', order.id, 'after')]);
      expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect(String((outcomes[1] as PromiseRejectedResult).reason.message)).toContain('boom refused');
      expect(storedTexts(order.id)).toEqual(['before', 'after']);
    } finally {
      parley.writeDb((db) => db.prepare('drop trigger refuse_boom').run());
    }
  });

  it('if the thread dies before committing, its sends fail and store nothing, and a new thread takes the next ones', async () => {
    const { thread, restarts, lock } = await startThread();
    const order = await parley.fixtures.order(seller, buyer, { status: 'pending' });
    const actor = actorOf(seller);
    // The main thread holds the write lock: the writer thread waits for it with the sends in hand.
    await lock.acquire(MAIN_THREAD);
    const sends = Array.from({ length: 50 }, (_, i) => thread.send(actor, 'account', order.id, `m${i}`));
    await new Promise((resolve) => setTimeout(resolve, 100));
    await thread.kill();
    lock.release();
    const outcomes = await settled(sends);
    expect(outcomes.every((o) => o.status === 'rejected' && String(o.reason.message).includes('writer thread stopped'))).toBe(true);
    expect(storedTexts(order.id)).toEqual([]);
    await expect.poll(() => restarts.length).toBe(1);
    const after = await thread.send(actor, 'account', order.id, 'after the restart');
    expect(after.text).toBe('after the restart');
    expect(storedTexts(order.id)).toEqual(['after the restart']);
  });

  it('if the thread dies mid-stream, every send was either committed and resolved or failed and not stored', async () => {
    const { thread, lock } = await startThread();
    const order = await parley.fixtures.order(seller, buyer, { status: 'pending' });
    const actor = actorOf(seller);
    const sends = Array.from({ length: 200 }, (_, i) => thread.send(actor, 'account', order.id, `m${i}`));
    await new Promise((resolve) => setImmediate(resolve)); // posted
    await thread.kill();
    const outcomes = await settled(sends);
    const resolved = outcomes.flatMap((o, i) => (o.status === 'fulfilled' ? [`m${i}`] : []));
    // Nothing answered is lost; nothing failed is stored.
    expect(storedTexts(order.id)).toEqual(resolved);
    // Whatever the thread held when it died, the lock is free again.
    await expect(Promise.race([lock.acquire(MAIN_THREAD).then(() => 'taken'), new Promise((r) => setTimeout(() => r('stuck'), 2000))])).resolves.toBe('taken');
    lock.release();
  });
});

describe('SqliteWriteLock', () => {
  it('lets a waiting main thread in once a dead writer thread is released from it, and only then', async () => {
    const lock = SqliteWriteLock.create();
    lock.acquireBlocking(WRITER_THREAD); // free: taken at once, without blocking
    let taken = false;
    const waiting = lock.acquire(MAIN_THREAD).then(() => {
      taken = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(taken).toBe(false);
    expect(lock.releaseIfHeldBy(MAIN_THREAD)).toBe(false); // not the holder: nothing happens
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(taken).toBe(false);
    expect(lock.releaseIfHeldBy(WRITER_THREAD)).toBe(true);
    await waiting;
    expect(taken).toBe(true);
    expect(lock.releaseIfHeldBy(WRITER_THREAD)).toBe(false); // now the main thread's
    lock.release();
  });

  it('is the same lock in another thread: a holder in one blocks the other until released', async () => {
    const first = SqliteWriteLock.create();
    const second = SqliteWriteLock.from(first.buffer);
    await first.acquire(MAIN_THREAD);
    let taken = false;
    const waiting = second.acquire(MAIN_THREAD).then(() => {
      taken = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(taken).toBe(false);
    first.release();
    await waiting;
    expect(taken).toBe(true);
    second.release();
  });
});
