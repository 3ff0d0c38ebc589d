import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORDER_KIND_CASES, type OrderKindCase } from '../../support/order-kinds.js';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { adminUserId, messagesPath, requestIdOf, storedMessages, ULID } from '../post-order-messages/chat-helpers.js';

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley();
});
afterAll(() => parley.close());

const SYSTEM = { id: 0, username: 'System', is_admin: true };

function systemMessage(text: string) {
  return { id: expect.stringMatching(ULID), type: 'system_message', text, attachment: null, sender: SYSTEM, sent_at: expect.any(Number) };
}

async function send(kind: OrderKindCase, orderId: number, token: string, message: string) {
  const res = await parley.api.post(messagesPath(kind, orderId), { message }, { token });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.data;
}

async function setStatus(kind: OrderKindCase, orderId: number, status: string) {
  const res = await parley.admin.patch(`${kind.adminPath}/${orderId}`, { status });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

describe('GET /v2/{kind}-orders/{id}/messages -> 200', () => {
  describe.each(ORDER_KIND_CASES)('$kind orders', (kind) => {
    it('answers {"data": [], "message": null} for an empty thread', async () => {
      const { seller, buyer, order } = await parley.fixtures.scenario('pending', {}, kind);
      for (const token of [seller.token, buyer.token]) {
        const res = await parley.api.get(messagesPath(kind, order.id), { token });
        expect(res.status).toBe(200);
        expect(res.body).toEqual({ data: [], message: null });
        requestIdOf(res);
        expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      }
    });

    it('lists the thread oldest first, each message exactly as its send answered it', async () => {
      const { seller, buyer, order } = await parley.fixtures.scenario('pending', {}, kind);
      const sent = [
        await send(kind, order.id, seller.token, 'Hello, I am the seller'),
        await send(kind, order.id, buyer.token, '  Hi!  '),
        await send(kind, order.id, seller.token, 'Credentials coming'),
      ];
      const res = await parley.api.get(messagesPath(kind, order.id), { token: seller.token });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ data: sent, message: null });
      expect(res.body.data.map((m: { text: string }) => m.text)).toEqual(['Hello, I am the seller', 'Hi!', 'Credentials coming']);
      expect(res.body.data[0].sender).toEqual({ id: seller.id, username: seller.username, is_admin: null });
      expect(res.body.data[1].sender).toEqual({ id: buyer.id, username: buyer.username, is_admin: null });
      const ids = res.body.data.map((m: { id: string }) => m.id);
      expect([...ids].sort()).toEqual(ids);
      // The buyer sees the very same thread.
      expect((await parley.api.get(messagesPath(kind, order.id), { token: buyer.token })).body).toEqual(res.body);
    });

    it('matches what is stored, in id order', async () => {
      const { seller, buyer, order } = await parley.fixtures.scenario('pending', {}, kind);
      for (let i = 0; i < 6; i++) await send(kind, order.id, i % 2 ? buyer.token : seller.token, `message ${i}`);
      const res = await parley.api.get(messagesPath(kind, order.id), { token: seller.token });
      expect(res.status).toBe(200);
      const rows = storedMessages(parley, kind, order.id);
      expect(res.body.data.map((m: { id: string; text: string; sent_at: number }) => [m.id, m.text, m.sent_at])).toEqual(
        rows.map((r) => [r.id, r.text, r.sent_at]),
      );
      expect(res.body.data.map((m: { text: string }) => m.text)).toEqual(['message 0', 'message 1', 'message 2', 'message 3', 'message 4', 'message 5']);
    });

    it('includes the system messages that status changes write, signed by System, in order', async () => {
      const { seller, buyer, order } = await parley.fixtures.scenario('pending', {}, kind);
      const first = await send(kind, order.id, seller.token, 'Starting now');
      await setStatus(kind, order.id, 'in_delivery');
      const second = await send(kind, order.id, buyer.token, 'Great');
      await setStatus(kind, order.id, 'delivered');

      const res = await parley.api.get(messagesPath(kind, order.id), { token: buyer.token });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        data: [
          first,
          systemMessage('Order status changed from pending to in delivery.'),
          second,
          systemMessage('Order status changed from in delivery to delivered.'),
        ],
        message: null,
      });
      const ids = res.body.data.map((m: { id: string }) => m.id);
      expect([...ids].sort()).toEqual(ids);
      for (const m of res.body.data) expect(Math.abs(m.sent_at - Date.now() / 1000)).toBeLessThan(10);
      // System rows are stored without a sender.
      expect(storedMessages(parley, kind, order.id).map((r) => [r.type, r.sender_id])).toEqual([
        ['user_message', seller.id],
        ['system_message', null],
        ['user_message', buyer.id],
        ['system_message', null],
      ]);
    });

    it.each(['delivered', 'refunded'] as const)('still lets the seller, the buyer and an admin read a %s order', async (status) => {
      const { seller, buyer, order } = await parley.fixtures.scenario('pending', {}, kind);
      const before = await send(kind, order.id, buyer.token, 'Before closing');
      await setStatus(kind, order.id, status);
      const expected = {
        data: [before, systemMessage(`Order status changed from pending to ${status}.`)],
        message: null,
      };
      for (const client of [parley.api.withToken(seller.token), parley.api.withToken(buyer.token), parley.admin]) {
        const res = await client.get(messagesPath(kind, order.id));
        expect(res.status).toBe(200);
        expect(res.body).toEqual(expected);
      }
    });

    it('reads an order created closed (no thread yet) as empty', async () => {
      const { seller, order } = await parley.fixtures.scenario('refunded', {}, kind);
      const res = await parley.api.get(messagesPath(kind, order.id), { token: seller.token });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ data: [], message: null });
    });

    it("shows admin messages with is_admin true, and lets the admin token read any thread", async () => {
      const { seller, order } = await parley.fixtures.scenario('in_delivery', {}, kind);
      const fromAdmin = await parley.admin.post(messagesPath(kind, order.id), { message: 'Support: all good?' });
      expect(fromAdmin.status).toBe(200);
      const reply = await send(kind, order.id, seller.token, 'Yes');
      const res = await parley.admin.get(messagesPath(kind, order.id));
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ data: [fromAdmin.body.data, reply], message: null });
      expect(res.body.data[0].sender).toEqual({ id: adminUserId(parley), username: 'admin', is_admin: true });
    });

    it('lists only the messages of the requested order', async () => {
      const { seller, buyer, order } = await parley.fixtures.scenario('pending', {}, kind);
      const other = await parley.fixtures.order(seller, buyer, {}, kind);
      const mine = await send(kind, order.id, seller.token, 'for order one');
      const theirs = await send(kind, other.id, seller.token, 'for order two');
      expect((await parley.api.get(messagesPath(kind, order.id), { token: buyer.token })).body).toEqual({ data: [mine], message: null });
      expect((await parley.api.get(messagesPath(kind, other.id), { token: buyer.token })).body).toEqual({ data: [theirs], message: null });
    });

    it('ignores query parameters: the thread is not paginated, sorted or filtered', async () => {
      const { seller, order } = await parley.fixtures.scenario('pending', {}, kind);
      const sent = await send(kind, order.id, seller.token, 'hello');
      const res = await parley.api.get(`${messagesPath(kind, order.id)}?page=2&per_page=1&sort=-id&filter%5Bx%5D=1`, { token: seller.token });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ data: [sent], message: null });
    });

    it('answers JSON to a client that sends Accept: */*', async () => {
      const { seller, order } = await parley.fixtures.scenario('pending', {}, kind);
      const res = await parley.api.get(messagesPath(kind, order.id), { token: seller.token, headers: { accept: '*/*' } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(res.body).toEqual({ data: [], message: null });
    });

    it('returns long and emoji messages intact', async () => {
      const { seller, order } = await parley.fixtures.scenario('pending', {}, kind);
      const long = 'L'.repeat(10000);
      const emoji = '😀'.repeat(10000);
      await send(kind, order.id, seller.token, long);
      await send(kind, order.id, seller.token, emoji);
      const res = await parley.api.get(messagesPath(kind, order.id), { token: seller.token });
      expect(res.body.data.map((m: { text: string }) => m.text)).toEqual([long, emoji]);
    });

    it('answers what the database holds, even a message another instance wrote after this one last answered', async () => {
      const { seller, buyer, order } = await parley.fixtures.scenario('pending', {}, kind);
      await send(kind, order.id, seller.token, 'first');
      const before = await parley.api.get(messagesPath(kind, order.id), { token: buyer.token });
      expect(before.body.data.map((m: { text: string }) => m.text)).toContain('first');
      // The same answer twice: nothing changed.
      expect((await parley.api.get(messagesPath(kind, order.id), { token: buyer.token })).body).toEqual(before.body);
      // Written beside this instance (as another instance on the same database would).
      parley.writeDb((db) => db.prepare(
        'insert into messages (id, order_kind, order_id, type, text, attachment, sender_id, sent_at) values (?, ?, ?, ?, ?, ?, ?, ?)',
      ).run('01ZZZZZZZZZZZZZZZZZZZZZZZZ', kind.kind, order.id, 'user_message', 'from elsewhere', null, seller.id, 1_900_000_000));
      const after = await parley.api.get(messagesPath(kind, order.id), { token: seller.token });
      expect(after.status).toBe(200);
      expect(after.body.data.map((m: { text: string }) => m.text).slice(-1)).toEqual(['from elsewhere']);
      expect(after.body.data).toHaveLength(before.body.data.length + 1);
      await send(kind, order.id, buyer.token, 'and one more');
      const last = await parley.api.get(messagesPath(kind, order.id), { token: buyer.token });
      expect(last.body.data).toHaveLength(before.body.data.length + 2);
      expect(last.body.data.map((m: { text: string }) => m.text)).toContain('and one more');
    });
  });
});
