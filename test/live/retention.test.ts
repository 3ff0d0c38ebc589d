import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/database.js';
import { eventLogStore } from '../../src/store/event-log-store.js';
import { kyselyRunner } from '../../src/store/query-runner.js';
import { startTestParley, type TestParley } from '../support/parley.js';
import { openOk, orderStreamPath, send } from './stream-support.js';

describe('the event log: numbering and pruning', () => {
  let parley: TestParley;
  let opened: ReturnType<typeof openDatabase>;
  beforeAll(async () => {
    parley = await startTestParley();
    opened = openDatabase(parley.database);
  });
  afterAll(async () => {
    await opened?.close();
    await parley?.close();
  });

  it('prunes the oldest events before the cutoff, remembers the last one, keeps numbering above it', async () => {
    const log = eventLogStore(opened.db, opened.dialect, kyselyRunner(opened.db));
    const { seller, buyer, order } = await parley.fixtures.scenario('pending');
    const path = orderStreamPath('/v2/account-orders', order.id);
    const stream = await openOk(parley, path, seller.token);
    for (const text of ['a', 'b', 'c']) await send(parley, '/v2/account-orders', order.id, buyer.token, text);
    const seen = await stream.take(3, 'message');
    stream.close();
    await log.sequence();
    const head = await log.head();
    expect(head).toBe(Number(seen[2]!.id));
    // Every event is older than a cutoff a minute ahead: all go, in batches.
    const cutoff = Math.floor(Date.now() / 1000) + 60;
    let pruned = 0;
    for (let n = await log.prune(cutoff, 2); n > 0; n = await log.prune(cutoff, 2)) pruned += n;
    expect(pruned).toBeGreaterThanOrEqual(4); // the purchase and the three messages, at least
    expect(await log.prunedThrough()).toBe(head);
    expect(await log.read({ kind: 'all' }, 0, 100)).toEqual([]);
    // The numbers given stay given: the head does not go back, new events number above it.
    expect(await log.head()).toBe(head);
    await send(parley, '/v2/account-orders', order.id, buyer.token, 'd');
    await log.sequence();
    const [next] = await log.read({ kind: 'order', orderKind: 'account', orderId: order.id }, 0, 10);
    expect(next!.seq).toBeGreaterThan(head);
    // A client that saw `a` missed pruned events: reload. One that saw `c` lost nothing.
    const behind = await openOk(parley, path, seller.token, { 'last-event-id': seen[0]!.id! });
    await behind.closedByServer();
    expect(behind.events.map((e) => e.data)).toEqual(['{"reason":"too_far_behind"}']);
    const current = await openOk(parley, path, seller.token, { 'last-event-id': seen[2]!.id! });
    expect(JSON.parse((await current.take(1, 'message'))[0]!.data).text).toBe('d');
    current.close();
  });
});
