import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { expectError, MESSAGES, messagesPath, totalMessages } from './chat-helpers.js';

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley();
});
afterAll(() => parley.close());

describe('POST /v2/account-orders/{accountOrder}/messages -> 404', () => {
  it('answers {"message": "Resource not found."} for an unknown numeric id, and stores nothing', async () => {
    const { seller, order } = await parley.fixtures.scenario('pending');
    const before = totalMessages(parley);
    for (const id of [order.id + 1000, 999999, 9007199254740991, '99999999999999999999']) {
      const res = await parley.api.post(messagesPath(id), { message: 'hi' }, { token: seller.token });
      expectError(res, 404, MESSAGES.notFound);
    }
    expect(totalMessages(parley)).toBe(before);
  });

  it.each(['abc', '1.5', '-1', '0', '1e3', '0x1', '%20', '1abc'])('answers 404 for the non-numeric id %s', async (id) => {
    const { seller } = await parley.fixtures.scenario('pending');
    const before = totalMessages(parley);
    const res = await parley.api.post(messagesPath(id), { message: 'hi' }, { token: seller.token });
    expectError(res, 404, MESSAGES.notFound);
    expect(totalMessages(parley)).toBe(before);
  });

  it('answers 404 to the admin token for an unknown order as well', async () => {
    expectError(await parley.admin.post(messagesPath(123456), { message: 'hi' }), 404, MESSAGES.notFound);
  });

  it.each(['/v2/nope', '/v2/account-orders/1/messages/extra', '/v2/account-orders/1/message', '/v1/account-orders/1/messages', '/account-orders/1/messages'])(
    'answers 404 for the unknown route %s, with or without a key',
    async (path) => {
      const { seller } = await parley.fixtures.scenario('pending');
      expectError(await parley.api.post(path, { message: 'hi' }, { token: seller.token }), 404, MESSAGES.notFound);
      expectError(await parley.api.post(path, { message: 'hi' }, { token: null }), 404, MESSAGES.notFound);
    },
  );

  it('answers 404, not 403, for an unknown order whatever the key', async () => {
    const stranger = await parley.fixtures.user('buyer');
    expectError(await parley.api.post(messagesPath(888888), { message: 'hi' }, { token: stranger.token }), 404, MESSAGES.notFound);
  });

  it.each([
    ['no message field', {}],
    ['a null message', { message: null }],
    ['a blank message', { message: '   ' }],
    ['a non-string message', { message: ['a'] }],
    ['a message over 10000 characters', { message: 'x'.repeat(10001) }],
  ])('answers 404, not 422, for %s to an unknown order', async (_label, body) => {
    const { seller } = await parley.fixtures.scenario('pending');
    expectError(await parley.api.post(messagesPath(777777), body, { token: seller.token }), 404, MESSAGES.notFound);
    expectError(await parley.api.post(messagesPath('abc'), body, { token: seller.token }), 404, MESSAGES.notFound);
  });
});
