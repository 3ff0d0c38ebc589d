import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORDER_KIND_CASES, type OrderKindCase } from '../../support/order-kinds.js';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { expectError, expectValidationError, formOptions, MESSAGES, messagesPath, rawOptions, storedMessages } from './chat-helpers.js';

/**
 * Input PostgreSQL cannot store (its text type refuses U+0000) answers the same 422 on both
 * databases, before anything is written; SQLite could store it but refuses it too (docs/api.md).
 */

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley();
});
afterAll(() => parley.close());

const NUL = 'The message field must not contain null characters.';

async function pending(kind: OrderKindCase) {
  return parley.fixtures.scenario('pending', {}, kind);
}

describe('POST /v2/{kind}-orders/{id}/messages -> 422 for hostile input', () => {
  describe.each(ORDER_KIND_CASES)('$kind orders', (kind) => {
    it.each([
      ['inside the text', 'a\u0000b'],
      ['alone', '\u0000'],
      ['at both ends, around spaces', '\u0000 hello \u0000'],
      ['after 9999 characters', `${'x'.repeat(9999)}\u0000`],
    ])('refuses a NUL character %s in JSON, and stores nothing', async (_label, message) => {
      const { seller, order } = await pending(kind);
      const res = await parley.api.post(messagesPath(kind, order.id), { message }, { token: seller.token });
      expectValidationError(res, { message: [NUL] });
      expect(storedMessages(parley, kind, order.id)).toEqual([]);
    });
  });

  it('refuses a NUL character escaped in the raw JSON text', async () => {
    const kind = ORDER_KIND_CASES[0]!;
    const { seller, order } = await pending(kind);
    const res = await parley.api.post(messagesPath(kind, order.id), undefined, rawOptions(seller.token, '{"message":"hi\\u0000there"}', 'application/json'));
    expectValidationError(res, { message: [NUL] });
    expect(storedMessages(parley, kind, order.id)).toEqual([]);
  });

  it.each([
    ['in the value', 'message=hi%00there'],
    ['as the whole value', 'message=%00'],
  ])('refuses a NUL character %s of a form field', async (_label, body) => {
    const kind = ORDER_KIND_CASES[0]!;
    const { seller, order } = await pending(kind);
    const res = await parley.api.post(messagesPath(kind, order.id), undefined, formOptions(seller.token, body));
    expectValidationError(res, { message: [NUL] });
    expect(storedMessages(parley, kind, order.id)).toEqual([]);
  });

  it('refuses the NUL after the order checks: another seller\'s order is 403, an unknown one 404', async () => {
    const kind = ORDER_KIND_CASES[0]!;
    const { order } = await pending(kind);
    const stranger = await parley.fixtures.user('seller');
    const foreign = await parley.api.post(messagesPath(kind, order.id), { message: 'a\u0000b' }, { token: stranger.token });
    expectError(foreign, 403, MESSAGES.unauthorized);
    const unknown = await parley.api.post(messagesPath(kind, 999_999_999), { message: 'a\u0000b' }, { token: stranger.token });
    expectError(unknown, 404, MESSAGES.notFound);
  });

  it('still stores other control characters exactly as sent, and reads them back', async () => {
    const kind = ORDER_KIND_CASES[0]!;
    const { seller, order } = await pending(kind);
    const message = 'bell\u0007 escape\u001b delete\u007f end';
    const res = await parley.api.post(messagesPath(kind, order.id), { message }, { token: seller.token });
    expect(res.status, res.text).toBe(200);
    expect(res.body.data.text).toBe(message);
    const read = await parley.api.get(messagesPath(kind, order.id), { token: seller.token });
    expect(read.body.data.map((m: { text: string }) => m.text)).toEqual([message]);
  });
});
