import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { countEndpoints, create, endpointPath, endpointsPath, expectError, UNAUTHORIZED } from './helpers.js';

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley();
});
afterAll(() => parley.close());

describe('admin webhook routes -> 403 for a non-admin key', () => {
  it.each(['seller', 'buyer'] as const)("answers 403 to a %s's key on every route and changes nothing", async (role) => {
    const caller = await parley.fixtures.user(role);
    const seller = await parley.fixtures.user('seller');
    const endpoint = await create(parley, seller.id);
    const before = countEndpoints(parley);
    const routes: Array<[string, string, unknown]> = [
      ['POST', endpointsPath(seller.id), { url: 'https://example.com/h', events: ['order.message.created'] }],
      ['POST', endpointsPath(caller.id), { url: 'https://example.com/h', events: ['order.message.created'] }],
      ['GET', endpointsPath(seller.id), undefined],
      ['GET', endpointsPath(caller.id), undefined],
      ['PATCH', endpointPath(endpoint.id), { disabled: true }],
      ['DELETE', endpointPath(endpoint.id), undefined],
      ['POST', `${endpointPath(endpoint.id)}/rotate-secret`, {}],
      ['POST', `${endpointPath(endpoint.id)}/test`, undefined],
      ['GET', `${endpointPath(endpoint.id)}/deliveries`, undefined],
      ['POST', '/admin/v1/webhook-events/evt_00000000000000000000000000/replay', undefined],
    ];
    for (const [method, path, json] of routes) {
      const res = await parley.api.request(method, path, { token: caller.token, json });
      expectError(res, 403, UNAUTHORIZED);
    }
    expect(countEndpoints(parley)).toBe(before);
    const list = await parley.admin.get(endpointsPath(seller.id));
    expect(list.body.data).toEqual([expect.objectContaining({ id: endpoint.id, disabled: false })]);
  });

  it('answers 403, not 422, to a seller key sending an invalid body', async () => {
    const seller = await parley.fixtures.user('seller');
    expectError(await parley.api.post(endpointsPath(seller.id), { url: 'ftp://x', events: [] }, { token: seller.token }), 403, UNAUTHORIZED);
  });
});
