import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { keyedSend, storedTexts } from './helpers.js';

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley();
});
afterAll(() => parley.close());

const REUSED = { message: 'The given data was invalid.', errors: { 'Idempotency-Key': ['The Idempotency-Key was already used with a different request (method, path or body).'] } };

describe('Idempotency-Key -> 422', () => {
  it('refuses the same key with another body, naming the header, and sends nothing', async () => {
    const scenario = await parley.fixtures.scenario('pending');
    const key = randomUUID();
    expect((await keyedSend(parley, scenario, key, 'first')).status).toBe(200);
    const res = await keyedSend(parley, scenario, key, 'second');
    expect(res.status).toBe(422);
    expect(res.body).toEqual({ ...REUSED, request_id: res.headers.get('x-gameboost-request-id') });
    expect(res.headers.get('idempotent-replayed')).toBeNull();
    expect(storedTexts(parley, scenario)).toEqual(['first']);
  });

  it('refuses the same key on another path (another order)', async () => {
    const scenario = await parley.fixtures.scenario('pending');
    const other = await parley.fixtures.order(scenario.seller, scenario.buyer, { status: 'pending' });
    const key = randomUUID();
    expect((await keyedSend(parley, scenario, key, 'same text')).status).toBe(200);
    const res = await parley.api.post(`/v2/account-orders/${other.id}/messages`, { message: 'same text' }, { token: scenario.seller.token, headers: { 'Idempotency-Key': key } });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual(REUSED.errors);
    expect(parley.readDb((db) => db.prepare('select count(*) as n from messages where order_id = ?').get(other.id))).toEqual({ n: 0 });
  });

  it('stays refused on every later try: the stored answer is the first request\'s', async () => {
    const scenario = await parley.fixtures.scenario('pending');
    const key = randomUUID();
    const first = await keyedSend(parley, scenario, key, 'one');
    expect((await keyedSend(parley, scenario, key, 'two')).status).toBe(422);
    const again = await keyedSend(parley, scenario, key, 'one');
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.text).toBe(first.text);
  });
});
