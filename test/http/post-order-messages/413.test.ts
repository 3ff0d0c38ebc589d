import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORDER_KIND_CASES } from '../../support/order-kinds.js';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { expectError, formOptions, MESSAGES, messagesPath, rawOptions, storedMessages } from './chat-helpers.js';

const MIB = 1024 * 1024;

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley();
});
afterAll(() => parley.close());

describe('POST /v2/{kind}-orders/{id}/messages -> 413', () => {
  describe.each(ORDER_KIND_CASES)('$kind orders', (kind) => {
    it('answers {"message": "The request body is too large; the limit is 1 MiB."} for a JSON body over 1 MiB, and stores nothing', async () => {
      const { seller, order } = await parley.fixtures.scenario('pending', {}, kind);
      const res = await parley.api.post(messagesPath(kind, order.id), { message: 'x'.repeat(MIB) }, { token: seller.token });
      expectError(res, 413, MESSAGES.tooLarge);
      expect(storedMessages(parley, kind, order.id)).toEqual([]);
    });

    it('answers 413 one byte over the limit', async () => {
      const { seller, order } = await parley.fixtures.scenario('pending', {}, kind);
      const prefix = '{"message":"';
      const suffix = '"}';
      const body = prefix + 'y'.repeat(MIB + 1 - prefix.length - suffix.length) + suffix;
      expect(Buffer.byteLength(body)).toBe(MIB + 1);
      const res = await parley.api.post(messagesPath(kind, order.id), undefined, rawOptions(seller.token, body, 'application/json'));
      expectError(res, 413, MESSAGES.tooLarge);
      expect(storedMessages(parley, kind, order.id)).toEqual([]);
    });

    it('answers 413 for a form body over 1 MiB', async () => {
      const { seller, order } = await parley.fixtures.scenario('pending', {}, kind);
      const res = await parley.api.post(messagesPath(kind, order.id), undefined, formOptions(seller.token, `message=${'z'.repeat(MIB + 16)}`));
      expectError(res, 413, MESSAGES.tooLarge);
      expect(storedMessages(parley, kind, order.id)).toEqual([]);
    });

    it('answers 413 for a large body of malformed JSON (size is checked before parsing)', async () => {
      const { seller, order } = await parley.fixtures.scenario('pending', {}, kind);
      const res = await parley.api.post(messagesPath(kind, order.id), undefined, rawOptions(seller.token, `{"message": ${'['.repeat(MIB + 16)}`, 'application/json'));
      expectError(res, 413, MESSAGES.tooLarge);
      expect(storedMessages(parley, kind, order.id)).toEqual([]);
    });
  });
});
