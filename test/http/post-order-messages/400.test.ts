import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORDER_KIND_CASES } from '../../support/order-kinds.js';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { expectError, MESSAGES, messagesPath, rawOptions, storedMessages } from './chat-helpers.js';

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley();
});
afterAll(() => parley.close());

describe('POST /v2/{kind}-orders/{id}/messages -> 400', () => {
  describe.each(ORDER_KIND_CASES)('$kind orders', (kind) => {
    it.each([
      ['a truncated object', '{"message": "hi"'],
      ['a dangling key', '{"message": '],
      ['unquoted keys', '{message: "hi"}'],
      ['single quotes', "{'message': 'hi'}"],
      ['a trailing comma', '{"message": "hi",}'],
      ['plain text', 'message=hi'],
      ['two documents', '{"message": "a"}{"message": "b"}'],
    ])('answers {"message": "The request body is not valid JSON."} for %s, and stores nothing', async (_label, body) => {
      const { seller, order } = await parley.fixtures.scenario('pending', {}, kind);
      const res = await parley.api.post(messagesPath(kind, order.id), undefined, rawOptions(seller.token, body, 'application/json'));
      expectError(res, 400, MESSAGES.badJson);
      expect(storedMessages(parley, kind, order.id)).toEqual([]);
    });

    it('answers 400 for malformed JSON sent as a +json type too', async () => {
      const { seller, order } = await parley.fixtures.scenario('pending', {}, kind);
      const res = await parley.api.post(messagesPath(kind, order.id), undefined, rawOptions(seller.token, '{"message":', 'application/vnd.api+json'));
      expectError(res, 400, MESSAGES.badJson);
      expect(storedMessages(parley, kind, order.id)).toEqual([]);
    });

    it('leaves the thread open: the same sender can send a valid message right after', async () => {
      const { seller, order } = await parley.fixtures.scenario('pending', {}, kind);
      expectError(await parley.api.post(messagesPath(kind, order.id), undefined, rawOptions(seller.token, '{', 'application/json')), 400, MESSAGES.badJson);
      const ok = await parley.api.post(messagesPath(kind, order.id), { message: 'fixed' }, { token: seller.token });
      expect(ok.status).toBe(200);
      expect(storedMessages(parley, kind, order.id).map((r) => r.text)).toEqual(['fixed']);
    });
  });
});
