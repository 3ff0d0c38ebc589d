import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../support/api-client.js';
import { Fixtures } from '../support/fixtures.js';
import { tempDbFile } from '../support/parley.js';
import { clientFor, spawnParley, type ServerProcess } from '../support/server-process.js';
import { forgetNamespace, skipWithoutRedis, TEST_REDIS_URL, uniqueNamespace } from '../rate-limit/redis-test-support.js';
import { expectSharedChatLimit } from './shared-chat-limit.js';

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
    await forgetNamespace(namespace);
  });

  describe.each([
    { first: 'A', second: 'B' },
    { first: 'B', second: 'A' },
  ] as const)('sends alternating from $first', ({ first, second }) => {
    it(`counts ${LIMIT} sends across both instances, then the next one gets 429 on either`, async () => {
      await expectSharedChatLimit(instances, await fixtures.scenario('pending'), first, second, LIMIT);
    });
  });
});
