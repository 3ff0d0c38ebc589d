import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestParley, type TestParley } from '../../support/parley.js';

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley();
});
afterAll(() => parley.close());

describe('POST /v2/account-orders/{accountOrder}/messages -> 200', () => {
  it('stores the trimmed message, answers the Message, and commits before replying', async () => {
    const { seller, order } = await parley.fixtures.scenario('pending');
    const res = await parley.api.post(`/v2/account-orders/${order.id}/messages`, { message: '  Hello buyer!\n ' }, { token: seller.token });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({
      type: 'user_message',
      text: 'Hello buyer!',
      attachment: null,
      sender: { id: seller.id, username: seller.username, is_admin: null },
    });
    expect(Math.abs(res.body.data.sent_at - Date.now() / 1000)).toBeLessThan(5);
    const row = parley.readDb((db) => db.prepare('select text, sender_id from messages where id = ?').get(res.body.data.id));
    expect(row).toEqual({ text: 'Hello buyer!', sender_id: seller.id });
  });
});
