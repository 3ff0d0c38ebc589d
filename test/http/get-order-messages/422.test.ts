import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORDER_KIND_CASES } from '../../support/order-kinds.js';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { expectError, expectValidationError, MESSAGES, messagesPath } from '../post-order-messages/chat-helpers.js';

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley();
});
afterAll(() => parley.close());

const LIMIT_INTEGER = 'The limit field must be an integer.';
const LIMIT_BETWEEN = 'The limit field must be between 1 and 1000.';
const AFTER_INVALID = 'The selected after is invalid.';

describe('GET /v2/{kind}-orders/{id}/messages?after=&limit= (Parley extension) -> 422', () => {
  describe.each(ORDER_KIND_CASES)('$kind orders', (kind) => {
    it('refuses a limit that is not an integer from 1 to 1000', async () => {
      const { seller, order } = await parley.fixtures.scenario('pending', {}, kind);
      for (const [limit, message] of [
        ['0', LIMIT_BETWEEN], ['1001', LIMIT_BETWEEN], ['-5', LIMIT_BETWEEN],
        ['abc', LIMIT_INTEGER], ['1.5', LIMIT_INTEGER], ['1e3', LIMIT_INTEGER],
      ] as const) {
        const res = await parley.api.get(`${messagesPath(kind, order.id)}?limit=${limit}`, { token: seller.token });
        expectValidationError(res, { limit: [message] });
      }
    });

    it('refuses an after that is not a message of this thread (unknown, malformed, or another thread\'s)', async () => {
      const { seller, buyer, order } = await parley.fixtures.scenario('pending', {}, kind);
      const other = await parley.fixtures.order(seller, buyer, { status: 'pending' }, kind);
      const sent = await parley.api.post(messagesPath(kind, other.id), { message: 'in the other thread' }, { token: seller.token });
      expect(sent.status).toBe(200);
      for (const after of ['01ARZ3NDEKTSV4RRFFQ69G5FAV', 'not-a-message-id', '%00', sent.body.data.id]) {
        const res = await parley.api.get(`${messagesPath(kind, order.id)}?after=${after}`, { token: seller.token });
        expectValidationError(res, { after: [AFTER_INVALID] });
      }
      // The same id names a message in its own thread.
      const own = await parley.api.get(`${messagesPath(kind, other.id)}?after=${sent.body.data.id}`, { token: seller.token });
      expect(own.status).toBe(200);
      expect(own.body).toEqual({ data: [], message: null });
    });

    it('reports both fields at once, and nothing of the thread', async () => {
      const { seller, order } = await parley.fixtures.scenario('pending', {}, kind);
      const res = await parley.api.get(`${messagesPath(kind, order.id)}?after=nope&limit=0`, { token: seller.token });
      expectValidationError(res, { after: [AFTER_INVALID], limit: [LIMIT_BETWEEN] });
    });

    it('empty values count as absent: the whole thread', async () => {
      const { seller, order } = await parley.fixtures.scenario('pending', {}, kind);
      const res = await parley.api.get(`${messagesPath(kind, order.id)}?after=&limit=`, { token: seller.token });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ data: [], message: null });
    });

    it('answers 404 and 403 before looking at the parameters', async () => {
      const { order } = await parley.fixtures.scenario('pending', {}, kind);
      const stranger = await parley.fixtures.user('seller');
      expectError(await parley.api.get(`${messagesPath(kind, 999999999)}?limit=0`, { token: stranger.token }), 404, MESSAGES.notFound);
      expectError(await parley.api.get(`${messagesPath(kind, order.id)}?limit=0&after=x`, { token: stranger.token }), 403, MESSAGES.unauthorized);
    });
  });
});
