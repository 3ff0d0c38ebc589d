import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { create, endpointPath, endpointsPath, expectError, NOT_FOUND } from './helpers.js';

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley();
});
afterAll(() => parley.close());

describe('DELETE /admin/v1/webhook-endpoints/{endpoint} -> 204', () => {
  it('answers 204 with no body; the endpoint is then gone from the list and every route answers 404', async () => {
    const seller = await parley.fixtures.user('seller');
    const kept = await create(parley, seller.id, { description: 'kept' });
    const { id } = await create(parley, seller.id, { description: 'deleted' });

    const res = await parley.admin.delete(endpointPath(id));
    expect(res.status, res.text).toBe(204);
    expect(res.text).toBe('');

    const list = await parley.admin.get(endpointsPath(seller.id));
    expect(list.status, list.text).toBe(200);
    expect(list.body.data.map((e: any) => e.id)).toEqual([kept.id]);

    expectError(await parley.admin.delete(endpointPath(id)), 404, NOT_FOUND);
    expectError(await parley.admin.patch(endpointPath(id), { description: 'back?' }), 404, NOT_FOUND);
    expectError(await parley.admin.post(`${endpointPath(id)}/rotate-secret`, {}), 404, NOT_FOUND);
    expectError(await parley.admin.post(`${endpointPath(id)}/test`), 404, NOT_FOUND);
    expectError(await parley.admin.get(`${endpointPath(id)}/deliveries`), 404, NOT_FOUND);
  });

  it('leaves the other endpoints of the seller working', async () => {
    const seller = await parley.fixtures.user('seller');
    const a = await create(parley, seller.id);
    const b = await create(parley, seller.id);
    expect((await parley.admin.delete(endpointPath(a.id))).status).toBe(204);
    const patched = await parley.admin.patch(endpointPath(b.id), { description: 'still here' });
    expect(patched.status, patched.text).toBe(200);
    expect(patched.body.data.description).toBe('still here');
  });
});
