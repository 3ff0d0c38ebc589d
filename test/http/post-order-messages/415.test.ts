import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORDER_KIND_CASES } from '../../support/order-kinds.js';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { expectError, MESSAGES, messagesPath, rawOptions, storedMessages } from './chat-helpers.js';

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley();
});
afterAll(() => parley.close());

describe('POST /v2/{kind}-orders/{id}/messages -> 415', () => {
  describe.each(ORDER_KIND_CASES)('$kind orders', (kind) => {
    it.each([
      ['text/plain', 'hello'],
      ['text/plain; charset=utf-8', '{"message": "hello"}'],
      ['application/xml', '<message>hello</message>'],
      ['application/octet-stream', '{"message": "hello"}'],
      ['image/png', 'not really a png'],
    ])('answers {"message": "Unsupported Content-Type: send application/json."} for %s, and stores nothing', async (contentType, body) => {
      const { seller, order } = await parley.fixtures.scenario('pending', {}, kind);
      const res = await parley.api.post(messagesPath(kind, order.id), undefined, rawOptions(seller.token, body, contentType));
      expectError(res, 415, MESSAGES.unsupportedType);
      expect(storedMessages(parley, kind, order.id)).toEqual([]);
    });

    it('answers 415 for a body sent without any Content-Type', async () => {
      const { seller, order } = await parley.fixtures.scenario('pending', {}, kind);
      // A Uint8Array body makes fetch send no Content-Type header at all.
      const res = await parley.api.post(messagesPath(kind, order.id), undefined, { token: seller.token, raw: new TextEncoder().encode('{"message":"hello"}') });
      expectError(res, 415, MESSAGES.unsupportedType);
      expect(storedMessages(parley, kind, order.id)).toEqual([]);
    });
  });
});
