import { afterAll, beforeAll, describe, it } from 'vitest';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { expectError, MESSAGES, messagesPath } from '../post-account-order-messages/chat-helpers.js';

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley();
});
afterAll(() => parley.close());

describe('GET /v2/account-orders/{accountOrder}/messages -> 404', () => {
  it('answers {"message": "Resource not found."} for an unknown numeric id', async () => {
    const { seller, order } = await parley.fixtures.scenario('pending');
    for (const id of [order.id + 1000, 999999, '99999999999999999999']) {
      expectError(await parley.api.get(messagesPath(id), { token: seller.token }), 404, MESSAGES.notFound);
    }
  });

  it.each(['abc', '1.5', '-1', '0', '1e3', '1abc'])('answers 404 for the non-numeric id %s', async (id) => {
    const { seller } = await parley.fixtures.scenario('pending');
    expectError(await parley.api.get(messagesPath(id), { token: seller.token }), 404, MESSAGES.notFound);
  });

  it('answers 404, not 403, for an unknown order whatever the key (admin token included)', async () => {
    const stranger = await parley.fixtures.user('buyer');
    expectError(await parley.api.get(messagesPath(888888), { token: stranger.token }), 404, MESSAGES.notFound);
    expectError(await parley.admin.get(messagesPath(888888)), 404, MESSAGES.notFound);
  });

  it.each(['/v2/nope', '/v2/account-orders/1/messages/extra', '/v2/account-orders/1/message', '/v1/account-orders/1/messages'])(
    'answers 404 for the unknown route %s, with or without a key',
    async (path) => {
      const { seller } = await parley.fixtures.scenario('pending');
      expectError(await parley.api.get(path, { token: seller.token }), 404, MESSAGES.notFound);
      expectError(await parley.api.get(path, { token: null }), 404, MESSAGES.notFound);
    },
  );
});
