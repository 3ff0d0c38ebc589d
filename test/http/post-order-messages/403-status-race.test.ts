import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiResponse } from '../../support/api-client.js';
import { startTestParley, testDialect, type TestParley } from '../../support/parley.js';
import { completePath, ITEM } from '../post-order-complete/helpers.js';
import { MESSAGES, messagesPath } from './chat-helpers.js';

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley();
});
afterAll(() => parley.close());

describe('POST /v2/item-orders/{id}/messages racing with the order leaving processing', () => {
  it('answers each send 200 (stored, committed before the order closed) or 403 once it has closed (not stored), never anything else', async () => {
    const { seller, order } = await parley.fixtures.scenario('pending', {}, ITEM);
    // Ten senders send one message after another until they are refused; the completion goes
    // in once 20 sends have been answered.
    const accepted: string[] = [];
    const refused: ApiResponse[] = [];
    const unexpected: string[] = [];
    let completion: Promise<ApiResponse> | null = null;
    let sent = 0;
    const sender = async () => {
      for (;;) {
        const res = await parley.api.post(messagesPath(ITEM, order.id), { message: `race ${sent++}` }, { token: seller.token });
        if (res.status === 200) accepted.push(res.body.data.text as string);
        else if (res.status === 403) return refused.push(res);
        else return unexpected.push(`${res.status} ${res.text}`);
        if (accepted.length === 20) completion = parley.api.post(completePath(ITEM, order.id), undefined, { token: seller.token });
      }
    };
    await Promise.all(Array.from({ length: 10 }, sender));
    expect(unexpected).toEqual([]);
    const completed = await completion!;
    expect(completed.status, completed.text).toBe(200);
    expect(refused).toHaveLength(10);
    for (const res of refused) expect(res.body.message).toBe(MESSAGES.notProcessing);
    expect(accepted.length).toBeGreaterThanOrEqual(20);

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
