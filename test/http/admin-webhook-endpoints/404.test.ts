import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { countEndpoints, endpointPath, endpointsPath, expectError, NOT_FOUND } from './helpers.js';

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley();
});
afterAll(() => parley.close());

const UNKNOWN = 999_999;

describe('admin webhook routes -> 404', () => {
  it('answers 404 for an unknown user on create and list, and creates nothing', async () => {
    const before = countEndpoints(parley);
    expectError(await parley.admin.post(endpointsPath(UNKNOWN), { url: 'https://example.com/h', events: ['order.message.created'] }), 404, NOT_FOUND);
    expectError(await parley.admin.get(endpointsPath(UNKNOWN)), 404, NOT_FOUND);
    expect(countEndpoints(parley)).toBe(before);
  });

  it('answers 404, not 422, for an unknown user with an invalid body', async () => {
    expectError(await parley.admin.post(endpointsPath(UNKNOWN), { url: 'not a url', events: [] }), 404, NOT_FOUND);
  });

  it.each(['abc', '0', '-1', '1.5'])('answers 404 for the user id %j', async (id) => {
    expectError(await parley.admin.get(endpointsPath(id)), 404, NOT_FOUND);
  });

  it.each([
    ['PATCH', endpointPath(UNKNOWN), { description: 'x' }],
    ['PATCH', endpointPath(UNKNOWN), { url: 'not a url' }],
    ['DELETE', endpointPath(UNKNOWN), undefined],
    ['POST', `${endpointPath(UNKNOWN)}/rotate-secret`, {}],
    ['POST', `${endpointPath(UNKNOWN)}/rotate-secret`, { grace_period_seconds: -1 }],
    ['POST', `${endpointPath(UNKNOWN)}/test`, undefined],
    ['GET', `${endpointPath(UNKNOWN)}/deliveries`, undefined],
    ['GET', `${endpointPath('abc')}/deliveries`, undefined],
    ['DELETE', endpointPath('abc'), undefined],
  ] as const)('answers 404 to %s %s for an unknown endpoint', async (method, path, json) => {
    expectError(await parley.admin.request(method, path, { json }), 404, NOT_FOUND);
  });

  it.each(['evt_00000000000000000000000000', 'evt_01ARZ3NDEKTSV4RRFFQ69G5FAV', 'nope', '123'])('answers 404 to the replay of unknown event %j', async (event) => {
    expectError(await parley.admin.post(`/admin/v1/webhook-events/${event}/replay`), 404, NOT_FOUND);
  });
});
