import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestParley, testDialect, type TestParley } from '../../support/parley.js';
import { completePath, ITEM } from '../post-order-complete/helpers.js';
import { MESSAGES, messagesPath } from './chat-helpers.js';

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley();
});
afterAll(() => parley.close());

describe('POST /v2/item-orders/{id}/messages racing with the order leaving processing', () => {
  it('answers each send 200 (stored, committed before the order closed) or 403 (not stored), never anything else', async () => {
    const { seller, order } = await parley.fixtures.scenario('pending', {}, ITEM);
    // The completion goes in among the sends, once a few have been answered (on SQLite with a
    // writer thread, it commits on the main thread's connection, the sends on the writer's).
    let answered = 0;
    let completion: ReturnType<typeof parley.api.post> | null = null;
    const sends = Array.from({ length: 150 }, (_, i) =>
      parley.api.post(messagesPath(ITEM, order.id), { message: `race ${i}` }, { token: seller.token }).then((res) => {
        if (++answered === 20) completion = parley.api.post(completePath(ITEM, order.id), undefined, { token: seller.token });
        return res;
      }));
    await expect.poll(() => completion).not.toBeNull();
    const completed = await completion!;
    expect(completed.status, completed.text).toBe(200);
    const answers = await Promise.all(sends);

    const accepted = answers.filter((res) => res.status === 200).map((res) => res.body.data.text as string);
    const refused = answers.filter((res) => res.status === 403);
    expect(accepted.length + refused.length, answers.map((res) => res.status).join(',')).toBe(150);
    for (const res of refused) expect(res.body.message).toBe(MESSAGES.notProcessing);
    // A race, not a walkover: sends went in before the completion and sends were refused after it.
    expect(accepted.length).toBeGreaterThanOrEqual(20);
    expect(refused.length).toBeGreaterThan(0);

    const rows = parley.readDb((db) => db.prepare(
      `select text, type${testDialect() === 'sqlite' ? ', rowid as position' : ''} from messages where order_kind = 'item' and order_id = ?`,
    ).all(order.id)) as { text: string; type: string; position?: number }[];
    const stored = rows.filter((row) => row.type === 'user_message');
    expect(stored.map((row) => row.text).sort()).toEqual([...accepted].sort());
    if (testDialect() === 'sqlite') {
      // Insertion order is commit order on SQLite: every accepted message went in before the
      // completion's system message.
      const closedAt = rows.find((row) => row.type === 'system_message')!.position!;
      for (const row of stored) expect(row.position!, row.text).toBeLessThan(closedAt);
    }
  });
});
