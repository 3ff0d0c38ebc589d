import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestParley, type TestParley } from '../../support/parley.js';

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley();
});
afterAll(() => parley.close());

describe('POST /v2/webhook-events -> 401, 422', () => {
  it('needs a key', async () => {
    const res = await parley.api.post('/v2/webhook-events', { topic: 'order.status.updated' });
    expect({ status: res.status, message: res.body.message }).toEqual({ status: 401, message: 'Unauthenticated.' });
  });

  it('refuses an unknown or missing topic, and one with nothing to sample, changing nothing', async () => {
    const seller = await parley.fixtures.user('seller');
    for (const body of [{}, { topic: 'order.nope' }, { topic: 'webhook.test' }]) {
      const res = await parley.api.post('/v2/webhook-events', body, { token: seller.token });
      expect(res.status, res.text).toBe(422);
      expect(Object.keys(res.body.errors)).toEqual(['topic']);
    }
    for (const topic of ['account.order.purchased', 'order.message.created', 'order.dispute.created']) {
      const res = await parley.api.post('/v2/webhook-events', { topic }, { token: seller.token });
      expect(res.status, res.text).toBe(422);
      expect(res.body.errors.topic[0]).toMatch(/^You have no /);
    }
    const outbox = parley.readDb((db) => db.prepare('select count(*) as n from webhook_events').get()) as { n: number | string };
    expect(Number(outbox.n)).toBe(0);
  });
});
