import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Parley, ParleyConnectionError, ParleyError } from '../../sdk/src/index.js';
import { ManualClock } from '../support/manual-clock.js';
import { startTestParley, type TestParley } from '../support/parley.js';
import { TcpRelay } from '../support/tcp-relay.js';
import { unique } from './support.js';

/** The SDK's error, retry and pagination rules, against the started server. */
let parley: TestParley;
let admin: Parley;
beforeAll(async () => {
  parley = await startTestParley();
  admin = new Parley({ baseUrl: parley.url, token: parley.adminToken });
});
afterAll(() => parley.close());

async function caught(promise: Promise<unknown>): Promise<ParleyError> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(ParleyError);
  return error as ParleyError;
}

describe('ParleyError', () => {
  it("carries a 422's status, message, field errors and request id", async () => {
    const error = await caught(admin.call('adminCreateUser', { body: { username: '', role: 'seller' } }));
    expect(error.status).toBe(422);
    expect(error.message).toBe('The given data was invalid.');
    expect(Object.keys(error.errors)).toContain('username');
    expect(error.errors.username![0]).toMatch(/username/);
    expect(error.requestId).toMatch(/\S/);
    expect(error.request_id).toBe(error.requestId);
    expect((error.body as { request_id: string }).request_id).toBe(error.requestId);
  });

  it('carries 401 and 404 answers as the server words them', async () => {
    const anonymous = new Parley({ baseUrl: parley.url });
    const unauthenticated = await caught(anonymous.call('listAccountOrders'));
    expect([unauthenticated.status, unauthenticated.message, unauthenticated.errors]).toEqual([401, 'Unauthenticated.', {}]);
    const missing = await caught(admin.call('getAccountOrder', { path: { accountOrder: 999999 } }));
    expect(missing.status).toBe(404);
  });

  it('is a ParleyConnectionError with status 0 when nothing answers, after retrying', async () => {
    const relay = await TcpRelay.start({ host: '127.0.0.1', port: Number(new URL(parley.url).port) });
    const waits: number[] = [];
    const client = new Parley({ baseUrl: `http://${relay.url}`, token: parley.adminToken, sleep: async (ms) => void waits.push(ms) });
    expect(await client.call('getHealth')).toEqual({ status: 'ok' });
    await relay.cut();
    const error = await caught(client.call('getHealth'));
    expect(error).toBeInstanceOf(ParleyConnectionError);
    expect(error.status).toBe(0);
    expect(error.message).toContain('Cannot connect');
    expect(waits).toEqual([250, 500]);
    await relay.close();
  });
});

describe('retries', () => {
  it('waits out a 429 for its Retry-After and then succeeds', async () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    const limited = await startTestParley({ PARLEY_RATE_LIMIT_READS: '1' }, { clock });
    try {
      const waits: number[] = [];
      // The wait moves the server's clock instead of passing real time.
      const sleep = async (ms: number) => {
        waits.push(ms);
        clock.advance(ms);
      };
      const client = new Parley({ baseUrl: limited.url, token: limited.adminToken, sleep });
      await client.call('listAccountOrders');
      await client.call('listAccountOrders');
      expect(waits).toHaveLength(1);
      expect(waits[0]).toBeGreaterThan(0);
      expect(waits[0]).toBeLessThanOrEqual(60_000);

      const impatient = new Parley({ baseUrl: limited.url, token: limited.adminToken, sleep, retry: { retries: 0 } });
      const error = await caught(impatient.call('listAccountOrders'));
      expect(error.status).toBe(429);
      expect(error.retryAfter).toBeGreaterThan(0);
    } finally {
      await limited.close();
    }
  });

  it('repeats a send whose answer was lost with the same Idempotency-Key', async () => {
    const user = (await admin.call('adminCreateUser', { body: { username: unique('sdk-idem'), role: 'seller' } })).data;
    const keys: string[] = [];
    let lost = false;
    // The first answer is lost on the way back (the server did the work); the retry must not do it twice.
    const flaky: typeof fetch = async (input, init) => {
      keys.push(new Headers(init?.headers).get('idempotency-key') ?? '');
      const response = await fetch(input, init);
      if (!lost) {
        lost = true;
        await response.body?.cancel();
        throw new TypeError('fetch failed');
      }
      return response;
    };
    const client = new Parley({ baseUrl: parley.url, token: parley.adminToken, fetch: flaky, sleep: async () => undefined });
    const key = await client.call('adminCreateApiKey', { path: { user: user.id }, body: { name: 'once' } });
    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(keys[1]).toBe(keys[0]);
    expect(key.data.name).toBe('once');
    // The server did the work once: the retry got the stored answer.
    const stored = await admin.call('adminListApiKeys', { path: { user: user.id } });
    expect(stored.data.map((k) => k.id)).toEqual([key.data.id]);
  });
});

describe('paginate', () => {
  it('iterates every element of a Laravel paginator, page after page', async () => {
    const seller = (await admin.call('adminCreateUser', { body: { username: unique('sdk-pages'), role: 'seller' } })).data;
    const buyer = (await admin.call('adminCreateUser', { body: { username: unique('sdk-pages-b'), role: 'buyer' } })).data;
    const game = (await admin.call('adminCreateGame', { body: { name: 'Pages', slug: unique('pages') } })).data;
    const created: number[] = [];
    for (let i = 0; i < 5; i++) {
      const order = await admin.call('adminCreateAccountOrder', { body: { game_id: game.id, seller_id: seller.id, buyer_id: buyer.id, title: `#${i}`, price: '1.00' } });
      created.push(order.data.id);
    }
    const pages: number[] = [];
    const client = new Parley({
      baseUrl: parley.url, token: parley.adminToken,
      onResponse: ({ url }) => pages.push(Number(new URL(url).searchParams.get('page'))),
    });
    const seen: number[] = [];
    for await (const order of client.paginate('listAccountOrders', { query: { 'filter[game_id]': String(game.id), per_page: 2 } })) {
      seen.push(order.id);
    }
    expect(seen.sort((a, b) => a - b)).toEqual(created);
    expect(pages).toEqual([1, 2, 3]);
  });
});
