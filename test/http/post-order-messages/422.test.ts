import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORDER_KIND_CASES, type OrderKindCase } from '../../support/order-kinds.js';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { expectValidationError, formOptions, MESSAGES, messagesPath, rawOptions, storedMessages } from './chat-helpers.js';

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley();
});
afterAll(() => parley.close());

/** Sends `body` as JSON from the seller of a fresh pending order; returns the response and the order id. */
async function sendJson(kind: OrderKindCase, body: unknown) {
  const { seller, order } = await parley.fixtures.scenario('pending', {}, kind);
  const res = await parley.api.post(messagesPath(kind, order.id), body, { token: seller.token });
  return { res, orderId: order.id as number };
}

describe('POST /v2/{kind}-orders/{id}/messages -> 422', () => {
  describe.each(ORDER_KIND_CASES)('$kind orders', (kind) => {
    it.each([
      ['a missing field', {}],
      ['only unknown fields', { text: 'hello', msg: 'hello' }],
      ['null', { message: null }],
      ['an empty string', { message: '' }],
      ['spaces', { message: '   ' }],
      ['newline, tab and space', { message: '\n\t ' }],
      ['a BOM, a zero-width space and an LRM', { message: '\uFEFF\u200B\u200E' }],
    ])('answers "The message field is required." for %s, and stores nothing', async (_label, body) => {
      const { res, orderId } = await sendJson(kind, body);
      expectValidationError(res, { message: [MESSAGES.required] });
      expect(storedMessages(parley, kind, orderId)).toEqual([]);
    });

    it.each([
      ['a number', { message: 123 }],
      ['zero', { message: 0 }],
      ['a float', { message: 1.5 }],
      ['true', { message: true }],
      ['false', { message: false }],
      ['an empty array', { message: [] }],
      ['an array of strings', { message: ['hi'] }],
      ['an empty object', { message: {} }],
      ['an object', { message: { text: 'hi' } }],
    ])('answers "The message field must be a string." for %s (no coercion), and stores nothing', async (_label, body) => {
      const { res, orderId } = await sendJson(kind, body);
      expectValidationError(res, { message: [MESSAGES.notString] });
      expect(storedMessages(parley, kind, orderId)).toEqual([]);
    });

    it('answers "must not be greater than 10000 characters." for 10001 characters, and stores nothing', async () => {
      const { res, orderId } = await sendJson(kind, { message: 'a'.repeat(10001) });
      expectValidationError(res, { message: [MESSAGES.tooLong] });
      expect(storedMessages(parley, kind, orderId)).toEqual([]);
    });

    it('counts characters, not UTF-16 units: 10001 emoji are too many', async () => {
      const { res, orderId } = await sendJson(kind, { message: '😀'.repeat(10001) });
      expectValidationError(res, { message: [MESSAGES.tooLong] });
      expect(storedMessages(parley, kind, orderId)).toEqual([]);
    });

    it('trims before counting: 10001 characters stay too long whatever whitespace surrounds them', async () => {
      const { res, orderId } = await sendJson(kind, { message: `  ${'c'.repeat(10001)}  ` });
      expectValidationError(res, { message: [MESSAGES.tooLong] });
      expect(storedMessages(parley, kind, orderId)).toEqual([]);
    });

    it('answers "required" for an empty JSON body', async () => {
      const { seller, order } = await parley.fixtures.scenario('pending', {}, kind);
      const res = await parley.api.post(messagesPath(kind, order.id), undefined, rawOptions(seller.token, '', 'application/json'));
      expectValidationError(res, { message: [MESSAGES.required] });
      expect(storedMessages(parley, kind, order.id)).toEqual([]);
    });

    it('answers "required" for a whitespace-only JSON body', async () => {
      const { seller, order } = await parley.fixtures.scenario('pending', {}, kind);
      const res = await parley.api.post(messagesPath(kind, order.id), undefined, rawOptions(seller.token, ' \n ', 'application/json'));
      expectValidationError(res, { message: [MESSAGES.required] });
      expect(storedMessages(parley, kind, order.id)).toEqual([]);
    });

    it('answers "required" for a POST with no body at all', async () => {
      const { seller, order } = await parley.fixtures.scenario('pending', {}, kind);
      const res = await parley.api.request('POST', messagesPath(kind, order.id), { token: seller.token });
      expectValidationError(res, { message: [MESSAGES.required] });
      expect(storedMessages(parley, kind, order.id)).toEqual([]);
    });

    it.each([
      ['null', 'null'],
      ['an array', '[]'],
      ['a string', '"hello"'],
    ])('answers "The message field is required." for a JSON body that is %s, not an object', async (_label, body) => {
      const { seller, order } = await parley.fixtures.scenario('pending', {}, kind);
      const res = await parley.api.post(messagesPath(kind, order.id), undefined, rawOptions(seller.token, body, 'application/json'));
      expectValidationError(res, { message: [MESSAGES.required] });
      expect(storedMessages(parley, kind, order.id)).toEqual([]);
    });

    it.each([
      ['an empty form value', 'message='],
      ['a blank form value', 'message=+++'],
      ['a form without the field', 'text=hello'],
    ])('answers "required" for %s', async (_label, body) => {
      const { seller, order } = await parley.fixtures.scenario('pending', {}, kind);
      const res = await parley.api.post(messagesPath(kind, order.id), undefined, formOptions(seller.token, body));
      expectValidationError(res, { message: [MESSAGES.required] });
      expect(storedMessages(parley, kind, order.id)).toEqual([]);
    });

    it('answers "too long" for a form value over 10000 characters', async () => {
      const { seller, order } = await parley.fixtures.scenario('pending', {}, kind);
      const res = await parley.api.post(messagesPath(kind, order.id), undefined, formOptions(seller.token, `message=${'f'.repeat(10001)}`));
      expectValidationError(res, { message: [MESSAGES.tooLong] });
      expect(storedMessages(parley, kind, order.id)).toEqual([]);
    });

    it('validates the same for the buyer and for an in_delivery order', async () => {
      const { buyer, order } = await parley.fixtures.scenario('in_delivery', {}, kind);
      const res = await parley.api.post(messagesPath(kind, order.id), { message: '' }, { token: buyer.token });
      expectValidationError(res, { message: [MESSAGES.required] });
      expect(storedMessages(parley, kind, order.id)).toEqual([]);
    });

    it('reports only the message field, ignoring unknown fields even when they are invalid', async () => {
      const { res } = await sendJson(kind, { message: 7, attachment: 'x'.repeat(20000), other: null });
      expectValidationError(res, { message: [MESSAGES.notString] });
    });
  });
});
