import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestParley, type TestParley } from '../support/parley.js';
import { TcpRelay } from '../support/tcp-relay.js';
import { forgetNamespace, skipWithoutRedis, TEST_REDIS_URL, uniqueNamespace } from './redis-test-support.js';

/**
 * Redis goes away after Parley has started (through a relay the test cuts): requests go on being
 * answered and limited, by the instance's own counters, until Redis is back; then Redis's
 * counters, which kept their window, apply again.
 */
const SUITE = 'a Redis outage after start';
const skip = await skipWithoutRedis(SUITE);
const LIMIT = 3;

describe.skipIf(skip)(SUITE, () => {
  const namespace = uniqueNamespace('outage');
  let relay: TcpRelay;
  let parley: TestParley;

  beforeAll(async () => {
    const target = new URL(TEST_REDIS_URL);
    relay = await TcpRelay.start({ host: target.hostname, port: Number(target.port || 6379) });
    parley = await startTestParley({
      REDIS_URL: `redis://${relay.url}`,
      PARLEY_REDIS_NAMESPACE: namespace,
      PARLEY_RATE_LIMIT_CHAT: String(LIMIT),
    });
  });

  afterAll(async () => {
    await parley?.close();
    await relay?.close();
    await forgetNamespace(namespace);
  });

  it('limits with local counters while Redis is away, without errors or waiting, then with Redis again', async () => {
    const { seller, order } = await parley.fixtures.scenario('pending');
    const send = (text: string) => parley.api.post(`/v2/account-orders/${order.id}/messages`, { message: text }, { token: seller.token });
    const remaining = (res: { headers: Headers }) => res.headers.get('x-ratelimit-remaining');

    const first = await send('counted by Redis');
    expect(first.status, first.text).toBe(200);
    expect(remaining(first)).toBe(String(LIMIT - 1));

    await relay.cut();
    // The instance's own window starts afresh: LIMIT sends, then 429; none waits for Redis.
    for (let i = 1; i <= LIMIT; i++) {
      const started = Date.now();
      const res = await send(`local ${i}`);
      expect(res.status, res.text).toBe(200);
      expect(remaining(res)).toBe(String(LIMIT - i));
      expect(Date.now() - started, 'answered without waiting for Redis').toBeLessThan(500);
    }
    const limited = await send('over the local limit');
    expect(limited.status, limited.text).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);

    await relay.restore();
    // Once the client has reconnected, Redis's window (1 send so far) counts again.
    const deadline = Date.now() + 10_000;
    let back = await send('back on Redis');
    while (back.status === 429 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      back = await send('back on Redis');
    }
    expect(back.status, back.text).toBe(200);
    expect(remaining(back), 'the second send in Redis\'s window').toBe(String(LIMIT - 2));

    // Every accepted send was stored, whichever counter let it through.
    const thread = await parley.api.get(`/v2/account-orders/${order.id}/messages`, { token: seller.token });
    expect(thread.status).toBe(200);
    const texts = (thread.body.data as Array<{ type: string; text: string }>).filter((m) => m.type === 'user_message').map((m) => m.text);
    expect(texts).toEqual(['counted by Redis', 'local 1', 'local 2', 'local 3', 'back on Redis']);
  });
});
