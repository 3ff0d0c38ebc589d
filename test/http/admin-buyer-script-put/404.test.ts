import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestParley, type TestParley } from '../../support/parley.js';

let parley: TestParley;
let production: TestParley;
beforeAll(async () => {
  parley = await startTestParley();
  production = await startTestParley({ PARLEY_ENV: 'production' });
});
afterAll(async () => {
  await parley.close();
  await production.close();
});

const STEPS = { script: [{ on: 'credentials', do: 'confirm' }] };

describe('PUT and GET /admin/v1/{kind}-orders/{id}/buyer-script -> 404', () => {
  it('answers 404 for no such order, an order of another kind, or a malformed id, before checking the body', async () => {
    const { order } = await parley.fixtures.scenario('pending');
    for (const path of [`/admin/v1/account-orders/999999/buyer-script`, `/admin/v1/item-orders/${order.id}/buyer-script`, '/admin/v1/account-orders/abc/buyer-script']) {
      for (const res of [await parley.admin.request('PUT', path, { json: { script: 'bad' } }), await parley.admin.get(path)]) {
        expect(res.status, res.text).toBe(404);
        expect(res.body).toEqual({ message: 'Resource not found.', request_id: expect.any(String) });
      }
    }
  });

  it('answers 404 in production, as for an unknown route, and stores nothing', async () => {
    const { order } = await production.fixtures.scenario('in_delivery', { credentials: 'login: a' });
    const unknown = await production.admin.get('/admin/v1/no-such-route');
    const path = `/admin/v1/account-orders/${order.id}/buyer-script`;
    for (const res of [await production.admin.request('PUT', path, { json: STEPS }), await production.admin.get(path)]) {
      expect(res.status, res.text).toBe(404);
      expect(res.body).toEqual({ ...unknown.body, request_id: expect.any(String) });
    }
    expect(production.readDb((db) => db.prepare('select count(*) as n from buyer_scripts').get())).toEqual({ n: 0 });
  });
});
