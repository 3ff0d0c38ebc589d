import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient, ApiResponse } from '../support/api-client.js';
import { Fixtures, type OrderScenario } from '../support/fixtures.js';
import { tempDbFile } from '../support/parley.js';
import { clientFor, spawnParley, type ServerProcess } from '../support/server-process.js';
import { deleteNamespace, rawRedis, skipWithoutRedis, TEST_REDIS_URL, uniqueNamespace } from '../rate-limit/redis-test-support.js';

const SUITE = 'two Parley processes share one rate limit through Redis';
const skip = await skipWithoutRedis(SUITE);

const LIMIT = 4;

describe.skipIf(skip)(SUITE, () => {
  const dbFile = tempDbFile();
  const namespace = uniqueNamespace('multi');
  const env = {
    DATABASE_URL: dbFile,
    PARLEY_ADMIN_TOKEN: `test-admin-${randomBytes(16).toString('hex')}`,
    PARLEY_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    PARLEY_SEED_DEMO: 'false',
    REDIS_URL: TEST_REDIS_URL,
    PARLEY_REDIS_NAMESPACE: namespace,
    PARLEY_RATE_LIMIT_READS: '1000',
    PARLEY_RATE_LIMIT_WRITES: '500',
    PARLEY_RATE_LIMIT_CHAT: String(LIMIT),
  };
  const processes: ServerProcess[] = [];
  const instances: Record<'A' | 'B', ApiClient> = {} as never;
  let fixtures: Fixtures;

  beforeAll(async () => {
    // A creates and migrates the database; B starts on it once A listens.
    const a = await spawnParley(env);
    processes.push(a);
    const b = await spawnParley(env);
    processes.push(b);
    expect(a.url).not.toBe(b.url);
    instances.A = await clientFor(a.url);
    instances.B = await clientFor(b.url);
    fixtures = new Fixtures(instances.A.withToken(env.PARLEY_ADMIN_TOKEN));
  }, 60_000);

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.kill()));
    fs.rmSync(path.dirname(dbFile), { recursive: true, force: true });
    const raw = await rawRedis().catch(() => null);
    if (raw) {
      await deleteNamespace(raw, namespace);
      raw.destroy();
    }
  });

  const messagesPath = (order: { id: number }) => `/v2/account-orders/${order.id}/messages`;
  const send = (on: 'A' | 'B', scenario: OrderScenario, text: string) =>
    instances[on].post(messagesPath(scenario.order), { message: text }, { token: scenario.seller.token });
  const remaining = (res: ApiResponse) => res.headers.get('x-ratelimit-remaining');

  describe.each([
    { first: 'A', second: 'B' },
    { first: 'B', second: 'A' },
  ] as const)('sends alternating from $first', ({ first, second }) => {
    it(`counts ${LIMIT} sends across both instances, then the next one gets 429 on either`, async () => {
      const scenario = await fixtures.scenario('pending');
      const order = [first, second, first, second];
      const resets = new Set<string | null>();
      for (const [i, on] of order.entries()) {
        const res = await send(on, scenario, `m${i + 1} via ${on}`);
        expect(res.status, `send ${i + 1} via ${on}: ${res.text}`).toBe(200);
        expect(res.headers.get('x-ratelimit-limit')).toBe(String(LIMIT));
        expect(remaining(res), `send ${i + 1} via ${on}`).toBe(String(LIMIT - 1 - i));
        resets.add(res.headers.get('x-ratelimit-reset'));
      }
      expect(resets.size, 'one window for both instances').toBe(1);

      // The fifth, on the instance that sent the first: 429; and the other one agrees.
      for (const on of [first, second]) {
        const limited = await send(on, scenario, `over via ${on}`);
        expect(limited.status, `5th+ via ${on}`).toBe(429);
        expect(limited.body.message).toBe('Too many requests.');
        expect(remaining(limited)).toBe('0');
        expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
        expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(60);
        expect(limited.headers.get('x-ratelimit-reset')).toBe([...resets][0]);
      }

      // The buyer (own key, own bucket) reads the thread through each instance: the messages
      // sent through A and through B, and none of the refused ones.
      const expected = order.map((on, i) => `m${i + 1} via ${on}`);
      for (const on of [second, first]) {
        const listed = await instances[on].get(messagesPath(scenario.order), { token: scenario.buyer.token });
        expect(listed.status, listed.text).toBe(200);
        const texts = (listed.body.data as Array<{ type: string; text: string }>).filter((m) => m.type === 'user_message').map((m) => m.text);
        expect(texts).toEqual(expected);
      }
    });
  });
});
