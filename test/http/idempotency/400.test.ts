import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { keyedSend, storedKeys, storedTexts } from './helpers.js';

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley();
});
afterAll(() => parley.close());

const BAD_KEY = 'The Idempotency-Key header must be 1 to 255 visible ASCII characters.';

describe('Idempotency-Key -> 400', () => {
  it.each([
    ['empty', ''],
    ['256 characters', 'k'.repeat(256)],
    ['a space inside', 'two words'],
    ['a byte above ASCII', 'caf\u00e9'],
  ])('refuses a key that is %s and changes nothing', async (_name, key) => {
    const scenario = await parley.fixtures.scenario('pending');
    const res = await keyedSend(parley, scenario, key, 'never stored');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ message: BAD_KEY, request_id: res.headers.get('x-gameboost-request-id') });
    expect(storedTexts(parley, scenario)).toEqual([]);
  });

  it('takes a key of exactly 255 visible characters', async () => {
    const scenario = await parley.fixtures.scenario('pending');
    const key = `${'~!'.repeat(127)}z`;
    expect(key).toHaveLength(255);
    expect((await keyedSend(parley, scenario, key, 'long key')).status).toBe(200);
    expect(storedKeys(parley).map((k) => k.idempotency_key)).toContain(key);
  });

  it('refuses a repeated header (sent joined by a comma and a space)', async () => {
    const scenario = await parley.fixtures.scenario('pending');
    const headers = new Headers({ authorization: `Bearer ${scenario.seller.token}`, 'content-type': 'application/json' });
    headers.append('Idempotency-Key', 'one');
    headers.append('Idempotency-Key', 'two');
    const res = await fetch(`${parley.url}/v2/account-orders/${scenario.order.id}/messages`, { method: 'POST', headers, body: '{"message":"twice"}' });
    expect(res.status).toBe(400);
    expect(storedTexts(parley, scenario)).toEqual([]);
  });
});
