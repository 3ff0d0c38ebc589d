import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../support/manual-clock.js';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { keyedSend, messagesPath, storedKeys, storedTexts } from './helpers.js';

let parley: TestParley;
const clock = new ManualClock(Date.UTC(2026, 0, 1));
beforeAll(async () => {
  parley = await startTestParley({ PARLEY_IDEMPOTENCY_TTL_SECONDS: '3600' }, { clock });
});
afterAll(() => parley.close());

describe('Idempotency-Key -> 200 replay', () => {
  it('answers a retry of a send with the stored answer and Idempotent-Replayed, storing one message', async () => {
    const scenario = await parley.fixtures.scenario('pending');
    const key = randomUUID();
    const first = await keyedSend(parley, scenario, key, 'hello once');
    expect(first.status, first.text).toBe(200);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    const retry = await keyedSend(parley, scenario, key, 'hello once');
    expect(retry.status).toBe(200);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(retry.text).toBe(first.text);
    // A fresh request id: the replay is a request of its own.
    expect(retry.headers.get('x-gameboost-request-id')).not.toBe(first.headers.get('x-gameboost-request-id'));
    expect(storedTexts(parley, scenario)).toEqual(['hello once']);
  });

  it('stores the send\'s answer in the transaction of the message', async () => {
    const scenario = await parley.fixtures.scenario('pending');
    const key = `tx-${randomUUID()}`;
    const first = await keyedSend(parley, scenario, key, 'atomic');
    expect(first.status).toBe(200);
    const row = parley.readDb((db) => db.prepare('select status, body from idempotency_keys where idempotency_key = ?').get(key)) as { status: number; body: string };
    expect(row).toEqual({ status: 200, body: first.text });
  });

  it('replays a stored 4xx too (the first answer, whatever it was) and never a second send', async () => {
    const scenario = await parley.fixtures.scenario('delivered');
    const key = randomUUID();
    const first = await keyedSend(parley, scenario, key, 'too late');
    expect(first.status).toBe(403);
    const retry = await keyedSend(parley, scenario, key, 'too late');
    expect(retry.status).toBe(403);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.text).toBe(first.text);
  });

  it('works on /admin/v1 writes: one user for two keyed creates', async () => {
    const key = randomUUID();
    const username = `idem-${randomUUID().slice(0, 8)}`;
    const body = { username, role: 'seller' };
    const first = await parley.admin.post('/admin/v1/users', body, { headers: { 'Idempotency-Key': key } });
    expect(first.status, first.text).toBeLessThan(300);
    const retry = await parley.admin.post('/admin/v1/users', body, { headers: { 'Idempotency-Key': key } });
    expect(retry.status).toBe(first.status);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.body).toEqual(first.body);
    const count = parley.readDb((db) => db.prepare('select count(*) as n from users where username = ?').get(username)) as { n: number };
    expect(Number(count.n)).toBe(1);
  });

  it('scopes keys per API key: another key\'s request with the same Idempotency-Key is its own', async () => {
    const one = await parley.fixtures.scenario('pending');
    const two = await parley.fixtures.scenario('pending');
    const key = randomUUID();
    expect((await keyedSend(parley, one, key, 'from one')).status).toBe(200);
    const other = await keyedSend(parley, two, key, 'from two');
    expect(other.status).toBe(200);
    expect(other.headers.get('idempotent-replayed')).toBeNull();
    expect(storedTexts(parley, two)).toEqual(['from two']);
  });

  it('treats the same body in another key order as the same request', async () => {
    const key = randomUUID();
    const username = `order-${randomUUID().slice(0, 8)}`;
    const first = await parley.admin.request('POST', '/admin/v1/users', { raw: `{"username":"${username}","role":"seller"}`, headers: { 'content-type': 'application/json', 'Idempotency-Key': key } });
    const retry = await parley.admin.request('POST', '/admin/v1/users', { raw: `{"role":"seller","username":"${username}"}`, headers: { 'content-type': 'application/json', 'Idempotency-Key': key } });
    expect(retry.status).toBe(first.status);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
  });

  it('forgets a key after PARLEY_IDEMPOTENCY_TTL_SECONDS on the application clock', async () => {
    const scenario = await parley.fixtures.scenario('pending');
    const key = randomUUID();
    expect((await keyedSend(parley, scenario, key, 'first life')).status).toBe(200);
    clock.advance(3_599_000);
    expect((await keyedSend(parley, scenario, key, 'first life')).headers.get('idempotent-replayed')).toBe('true');
    clock.advance(1_000);
    const again = await keyedSend(parley, scenario, key, 'first life');
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBeNull();
    expect(storedTexts(parley, scenario)).toEqual(['first life', 'first life']);
    expect(storedKeys(parley).filter((k) => k.idempotency_key === key)).toHaveLength(1);
  });

  it('changes nothing for requests without the header', async () => {
    const scenario = await parley.fixtures.scenario('pending');
    const before = storedKeys(parley).length;
    const res = await parley.api.post(messagesPath(scenario), { message: 'plain' }, { token: scenario.seller.token });
    expect(res.status).toBe(200);
    expect(res.headers.get('idempotent-replayed')).toBeNull();
    expect(storedKeys(parley)).toHaveLength(before);
  });
});
