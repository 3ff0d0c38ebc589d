import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { ACCOUNT, credentialsPath, expectError, orderPath, snapshot } from '../post-order-complete/helpers.js';

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley();
});
afterAll(() => parley.close());

const raw = (token: string, body: string | Uint8Array, contentType = 'application/json') => ({ token, raw: body, headers: { 'content-type': contentType } });

describe('PATCH /v2/account-orders/{accountOrder}/credentials -> 400', () => {
  it.each([
    ['malformed JSON', '{"credentials": "x"', 'The request body is not valid JSON.'],
    ['a lone surrogate', '{"credentials":"login \\ud800"}', 'The request body contains an unpaired UTF-16 surrogate.'],
    ['bytes that are not UTF-8', Buffer.concat([Buffer.from('{"credentials":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]), 'The request body is not valid UTF-8.'],
    ['nesting past 512 levels', `{"credentials":"x","a":${'['.repeat(600)}${']'.repeat(600)}}`, 'The request body is nested too deeply; the limit is 512 levels.'],
  ])('refuses %s and leaves the order and its thread as they were', async (_label, body, message) => {
    const { seller, order } = await parley.fixtures.scenario('in_delivery', { credentials: 'original' });
    const before = snapshot(parley, ACCOUNT, order.id);
    expectError(await parley.api.patch(credentialsPath(order.id), undefined, raw(seller.token, body)), 400, message);
    expect(snapshot(parley, ACCOUNT, order.id)).toEqual(before);
  });

  it('refuses a form whose %-escapes are not UTF-8', async () => {
    const { seller, order } = await parley.fixtures.scenario('in_delivery', { credentials: 'original' });
    const before = snapshot(parley, ACCOUNT, order.id);
    const res = await parley.api.patch(credentialsPath(order.id), undefined, raw(seller.token, 'credentials=%ED%A0%80', 'application/x-www-form-urlencoded'));
    expectError(res, 400, 'The request body is not valid UTF-8.');
    expect(snapshot(parley, ACCOUNT, order.id)).toEqual(before);
  });

  it('stores astral characters sent as escapes exactly as acknowledged', async () => {
    const { seller, order } = await parley.fixtures.scenario('in_delivery', { credentials: 'original' });
    const res = await parley.api.patch(credentialsPath(order.id), undefined, raw(seller.token, '{"credentials":"key \\ud83d\\udd11 \\u00e9"}'));
    expect(res.status, res.text).toBe(200);
    expect(res.body.data.credentials).toBe('key \u{1F511} é');
    const read = await parley.api.get(orderPath(ACCOUNT, order.id), { token: seller.token });
    expect(read.body.data.credentials).toBe('key \u{1F511} é');
  });
});
