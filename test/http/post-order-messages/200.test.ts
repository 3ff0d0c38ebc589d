import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORDER_KIND_CASES } from '../../support/order-kinds.js';
import { startTestParley, type TestParley } from '../../support/parley.js';
import {
  adminUserId,
  formOptions,
  messagesPath,
  nowSeconds,
  rawOptions,
  requestIdOf,
  storedMessages,
  storedMessagesAnyKind,
  ULID,
  ulidTime,
} from './chat-helpers.js';

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley();
});
afterAll(() => parley.close());

/** The exact Message a send should answer. */
function expectedMessage(text: string, sender: { id: number; username: string; is_admin: true | null }) {
  return {
    id: expect.stringMatching(ULID),
    type: 'user_message',
    text,
    attachment: null,
    sender,
    sent_at: expect.any(Number),
  };
}

describe('POST /v2/{kind}-orders/{id}/messages -> 200', () => {
  describe.each(ORDER_KIND_CASES)('$kind orders', (kind) => {
    it('stores the trimmed message, answers the Message, and commits before replying', async () => {
      const { seller, order } = await parley.fixtures.scenario('pending', {}, kind);
      const res = await parley.api.post(`${kind.path}/${order.id}/messages`, { message: '  Hello buyer!\n ' }, { token: seller.token });
      expect(res.status).toBe(200);
      expect(res.body.data).toMatchObject({
        type: 'user_message',
        text: 'Hello buyer!',
        attachment: null,
        sender: { id: seller.id, username: seller.username, is_admin: null },
      });
      expect(Math.abs(res.body.data.sent_at - Date.now() / 1000)).toBeLessThan(5);
      const row = parley.readDb((db) => db.prepare('select order_kind, order_id, text, sender_id from messages where id = ?').get(res.body.data.id));
      expect(row).toEqual({ order_kind: kind.kind, order_id: order.id, text: 'Hello buyer!', sender_id: seller.id });
    });

    it('answers exactly {data: Message}: ULID id, user_message, text, null attachment, sender, sent_at in unix seconds', async () => {
      const { seller, order } = await parley.fixtures.scenario('pending', {}, kind);
      const before = nowSeconds();
      const res = await parley.api.post(messagesPath(kind, order.id), { message: 'Your account is ready.' }, { token: seller.token });
      const after = nowSeconds();
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        data: expectedMessage('Your account is ready.', { id: seller.id, username: seller.username, is_admin: null }),
      });
      const { id, sent_at } = res.body.data;
      expect(Number.isInteger(sent_at)).toBe(true);
      expect(sent_at).toBeGreaterThanOrEqual(before);
      expect(sent_at).toBeLessThanOrEqual(after);
      // The ULID's time part is the moment of the send, in milliseconds.
      expect(Math.floor(ulidTime(id) / 1000)).toBeGreaterThanOrEqual(before);
      expect(Math.floor(ulidTime(id) / 1000)).toBeLessThanOrEqual(after);
      requestIdOf(res);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    });

    it('writes the full row (kind, order, type, text, sender, sent_at) before the reply arrives', async () => {
      const { seller, order } = await parley.fixtures.scenario('pending', {}, kind);
      expect(storedMessages(parley, kind, order.id)).toEqual([]);
      const res = await parley.api.post(messagesPath(kind, order.id), { message: 'Logging in now' }, { token: seller.token });
      expect(res.status).toBe(200);
      expect(storedMessages(parley, kind, order.id)).toEqual([
        {
          id: res.body.data.id,
          order_kind: kind.kind,
          order_id: order.id,
          type: 'user_message',
          text: 'Logging in now',
          attachment: null,
          sender_id: seller.id,
          sent_at: res.body.data.sent_at,
        },
      ]);
    });

    it('gives ids that sort by time: each send gets a larger id than the one before', async () => {
      const { seller, buyer, order } = await parley.fixtures.scenario('pending', {}, kind);
      const ids: string[] = [];
      for (const [token, text] of [[seller.token, 'one'], [buyer.token, 'two'], [seller.token, 'three'], [seller.token, 'four']] as const) {
        const res = await parley.api.post(messagesPath(kind, order.id), { message: text }, { token });
        expect(res.status).toBe(200);
        ids.push(res.body.data.id);
      }
      expect(new Set(ids).size).toBe(4);
      expect([...ids].sort()).toEqual(ids);
      expect(storedMessages(parley, kind, order.id).map((r) => r.text)).toEqual(['one', 'two', 'three', 'four']);
    });

    it('trims only the edges: inner newlines, markup and non-ASCII text are kept as sent', async () => {
      const { seller, order } = await parley.fixtures.scenario('pending', {}, kind);
      const text = 'Login: user\n\nPassword:  p@ss "w0rd" <b>&amp;</b>\tПривет 你好 😀';
      const res = await parley.api.post(messagesPath(kind, order.id), { message: `\n\t ${text} \r\n` }, { token: seller.token });
      expect(res.status).toBe(200);
      expect(res.body.data.text).toBe(text);
      expect(storedMessages(parley, kind, order.id).map((r) => r.text)).toEqual([text]);
    });

    it('lets the buyer of the order send too (is_admin null)', async () => {
      const { buyer, order } = await parley.fixtures.scenario('pending', {}, kind);
      const res = await parley.api.post(messagesPath(kind, order.id), { message: 'Thanks!' }, { token: buyer.token });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ data: expectedMessage('Thanks!', { id: buyer.id, username: buyer.username, is_admin: null }) });
      expect(storedMessages(parley, kind, order.id)).toMatchObject([{ text: 'Thanks!', sender_id: buyer.id }]);
    });

    it('lets the admin token send to any order, signed by the admin user with is_admin true', async () => {
      const { order } = await parley.fixtures.scenario('pending', {}, kind);
      const adminId = adminUserId(parley);
      const res = await parley.admin.post(messagesPath(kind, order.id), { message: 'Support here.' });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ data: expectedMessage('Support here.', { id: adminId, username: 'admin', is_admin: true }) });
      expect(storedMessages(parley, kind, order.id)).toMatchObject([{ text: 'Support here.', sender_id: adminId }]);
    });

    it("lets an admin user's API key send to an order it is not part of, with is_admin true", async () => {
      const { order } = await parley.fixtures.scenario('pending', {}, kind);
      const staff = await parley.fixtures.user('admin');
      const res = await parley.api.post(messagesPath(kind, order.id), { message: 'Staff note' }, { token: staff.token });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ data: expectedMessage('Staff note', { id: staff.id, username: staff.username, is_admin: true }) });
    });

    it('accepts messages on an in_delivery order, whether created so or moved there', async () => {
      const created = await parley.fixtures.scenario('in_delivery', {}, kind);
      const a = await parley.api.post(messagesPath(kind, created.order.id), { message: 'Delivering' }, { token: created.seller.token });
      expect(a.status).toBe(200);
      expect(a.body.data.text).toBe('Delivering');

      const moved = await parley.fixtures.scenario('pending', {}, kind);
      const patch = await parley.admin.patch(`${kind.adminPath}/${moved.order.id}`, { status: 'in_delivery' });
      expect(patch.status).toBe(200);
      const b = await parley.api.post(messagesPath(kind, moved.order.id), { message: 'On my way' }, { token: moved.buyer.token });
      expect(b.status).toBe(200);
      expect(storedMessages(parley, kind, moved.order.id).map((r) => [r.type, r.text])).toEqual([
        ['system_message', 'Order status changed from pending to in delivery.'],
        ['user_message', 'On my way'],
      ]);
    });

    it('accepts exactly 10000 characters', async () => {
      const { seller, order } = await parley.fixtures.scenario('pending', {}, kind);
      const text = 'a'.repeat(10000);
      const res = await parley.api.post(messagesPath(kind, order.id), { message: text }, { token: seller.token });
      expect(res.status).toBe(200);
      expect(res.body.data.text).toBe(text);
      expect(storedMessages(parley, kind, order.id).map((r) => r.text)).toEqual([text]);
    });

    it('counts characters, not UTF-16 units: 10000 emoji (20000 units) are accepted', async () => {
      const { seller, order } = await parley.fixtures.scenario('pending', {}, kind);
      const text = '😀'.repeat(10000);
      expect(text.length).toBe(20000);
      const res = await parley.api.post(messagesPath(kind, order.id), { message: text }, { token: seller.token });
      expect(res.status).toBe(200);
      expect(res.body.data.text).toBe(text);
      expect(storedMessages(parley, kind, order.id).map((r) => r.text)).toEqual([text]);
    });

    it('trims before counting: 10000 characters wrapped in whitespace are accepted and stored trimmed', async () => {
      const { seller, order } = await parley.fixtures.scenario('pending', {}, kind);
      const text = 'b'.repeat(10000);
      const res = await parley.api.post(messagesPath(kind, order.id), { message: `   \n${text}\t  ` }, { token: seller.token });
      expect(res.status).toBe(200);
      expect(res.body.data.text).toBe(text);
      expect(storedMessages(parley, kind, order.id).map((r) => r.text)).toEqual([text]);
    });

    it('ignores unknown fields (an attachment in the body does not become one)', async () => {
      const { seller, order } = await parley.fixtures.scenario('pending', {}, kind);
      const res = await parley.api.post(
        messagesPath(kind, order.id),
        { message: 'hi', attachment: { url: 'https://example.com/x.png' }, type: 'system_message', sender_id: 1, foo: [1, 2] },
        { token: seller.token },
      );
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ data: expectedMessage('hi', { id: seller.id, username: seller.username, is_admin: null }) });
      expect(storedMessages(parley, kind, order.id)).toMatchObject([{ type: 'user_message', text: 'hi', attachment: null, sender_id: seller.id }]);
    });

    it('accepts a form body (curl -d message=hi)', async () => {
      const { seller, order } = await parley.fixtures.scenario('pending', {}, kind);
      const res = await parley.api.post(messagesPath(kind, order.id), undefined, formOptions(seller.token, 'message=hi'));
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ data: expectedMessage('hi', { id: seller.id, username: seller.username, is_admin: null }) });
      expect(storedMessages(parley, kind, order.id).map((r) => r.text)).toEqual(['hi']);
    });

    it('decodes and trims form values', async () => {
      const { seller, order } = await parley.fixtures.scenario('pending', {}, kind);
      const res = await parley.api.post(messagesPath(kind, order.id), undefined, formOptions(seller.token, 'message=+hello%20%26+b%C3%BCyer%0A+&extra=1'));
      expect(res.status).toBe(200);
      expect(res.body.data.text).toBe('hello & büyer');
    });

    it.each([
      'application/json; charset=utf-8',
      'application/vnd.api+json',
      'application/JSON',
    ])('accepts JSON sent as %s', async (contentType) => {
      const { seller, order } = await parley.fixtures.scenario('pending', {}, kind);
      const res = await parley.api.post(messagesPath(kind, order.id), undefined, rawOptions(seller.token, JSON.stringify({ message: contentType }), contentType));
      expect(res.status).toBe(200);
      expect(res.body.data.text).toBe(contentType);
      expect(storedMessages(parley, kind, order.id).map((r) => r.text)).toEqual([contentType]);
    });

    it('answers JSON to a client that sends Accept: */*', async () => {
      const { seller, order } = await parley.fixtures.scenario('pending', {}, kind);
      const res = await parley.api.post(messagesPath(kind, order.id), { message: 'any accept' }, { token: seller.token, headers: { accept: '*/*' } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(res.body.data.text).toBe('any accept');
    });

    it('keeps each thread to its own order', async () => {
      const first = await parley.fixtures.scenario('pending', {}, kind);
      const second = await parley.fixtures.order(first.seller, first.buyer, {}, kind);
      expect((await parley.api.post(messagesPath(kind, first.order.id), { message: 'for the first' }, { token: first.seller.token })).status).toBe(200);
      expect((await parley.api.post(messagesPath(kind, second.id), { message: 'for the second' }, { token: first.seller.token })).status).toBe(200);
      expect(storedMessages(parley, kind, first.order.id).map((r) => r.text)).toEqual(['for the first']);
      expect(storedMessages(parley, kind, second.id).map((r) => r.text)).toEqual(['for the second']);
      // Nothing under another kind with the same ids.
      expect(storedMessagesAnyKind(parley, first.order.id)).toEqual(storedMessages(parley, kind, first.order.id));
      expect(storedMessagesAnyKind(parley, second.id)).toEqual(storedMessages(parley, kind, second.id));
    });
  });
});
