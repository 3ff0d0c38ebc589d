import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { RedisChangeFeed } from '../../src/changes/redis-change-feed.js';
import { rawRedis, skipWithoutRedis, TEST_REDIS_URL, type RawRedis } from '../rate-limit/redis-test-support.js';
import { describeChangeFeedContract } from './change-feed-contract.js';
import { deadPort, messageCreated, record, settle, uniqueChannel, waitForCount } from './change-feed-support.js';

const SUITE = 'RedisChangeFeed';
const skip = await skipWithoutRedis(SUITE);

describeChangeFeedContract({
  name: SUITE,
  skip,
  hasChannel: true,
  async open(onError) {
    const namespace = uniqueChannel('redis');
    const [a, b] = await Promise.all([
      RedisChangeFeed.connect(TEST_REDIS_URL, { namespace, onError }),
      RedisChangeFeed.connect(TEST_REDIS_URL, { namespace, onError }),
    ]);
    return {
      a,
      b,
      async publishRaw(payload) {
        const raw = await rawRedis();
        try {
          await raw.publish(`${namespace}:changes`, payload);
        } finally {
          raw.destroy();
        }
      },
    };
  },
});

describe.skipIf(skip)(SUITE, () => {
  let raw: RawRedis;
  beforeAll(async () => {
    raw = await rawRedis();
  });
  afterAll(() => {
    raw?.destroy();
  });

  /** CLIENT LIST entries (`id=7 ... name=x ... sub=1 ...`) of the connections named `name`. */
  async function connectionsNamed(name: string): Promise<Array<Record<string, string>>> {
    const list = String(await raw.sendCommand(['CLIENT', 'LIST']));
    return list
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => Object.fromEntries(line.trim().split(' ').map((field) => field.split('=', 2) as [string, string])))
      .filter((entry) => entry.name === name);
  }

  it('publishes on <namespace>:changes (default parley:changes), one subscribed connection and one publishing', async () => {
    const clientName = uniqueChannel('client');
    const namespace = uniqueChannel('ns');
    const feed = await RedisChangeFeed.connect(TEST_REDIS_URL, { namespace, clientName });
    const overheard: string[] = [];
    const listener = raw.duplicate();
    try {
      await listener.connect();
      await listener.subscribe(`${namespace}:changes`, (message) => overheard.push(message));
      await feed.publish(messageCreated(1));
      await vi.waitFor(() => expect(overheard).toEqual([JSON.stringify(messageCreated(1))]));
      expect(feed.channel).toBe(`${namespace}:changes`);
      const connections = await connectionsNamed(clientName);
      expect(connections.map((c) => c.sub).sort()).toEqual(['0', '1']);
    } finally {
      listener.destroy();
      await feed.close();
    }
    // The client has closed its sockets; Redis drops them from CLIENT LIST when it reads the EOF.
    await vi.waitFor(async () => expect(await connectionsNamed(clientName)).toEqual([]), { timeout: 5_000 });
    const byDefault = await RedisChangeFeed.connect(TEST_REDIS_URL);
    expect(byDefault.channel).toBe('parley:changes');
    await byDefault.close();
  });

  it('after its subscribed connection is killed, subscribes again, tells its own listeners to resync, and delivers what follows', async () => {
    const namespace = uniqueChannel('redis_reconnect');
    const clientName = uniqueChannel('client');
    const errorsOfB: Error[] = [];
    const a = await RedisChangeFeed.connect(TEST_REDIS_URL, { namespace });
    const b = await RedisChangeFeed.connect(TEST_REDIS_URL, { namespace, clientName, onError: (error) => errorsOfB.push(error) });
    try {
      const onA = record(a);
      const onB = record(b);
      await a.publish(messageCreated(1));
      await waitForCount([onA, onB], 1);

      const subscribed = (await connectionsNamed(clientName)).find((c) => c.sub === '1')!;
      expect(await raw.sendCommand(['CLIENT', 'KILL', 'ID', subscribed.id!])).toBe(1);

      await waitForCount([onB], 2);
      expect(onB.changes[1]).toEqual({ type: 'resync' });
      expect(errorsOfB.map((e) => e.message)).toContain('Redis change feed: subscribed connection: Socket closed unexpectedly');

      await a.publish(messageCreated(2));
      await b.publish(messageCreated(3));
      await waitForCount([onA], 3);
      await waitForCount([onB], 4);
      await settle();
      expect(onA.changes).toEqual([messageCreated(1), messageCreated(2), messageCreated(3)]);
      expect(onB.changes).toEqual([messageCreated(1), { type: 'resync' }, messageCreated(2), messageCreated(3)]);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('drops a message over the size limit, which only Redis would carry', async () => {
    const namespace = uniqueChannel('redis_large');
    const errors: Error[] = [];
    const feed = await RedisChangeFeed.connect(TEST_REDIS_URL, { namespace, onError: (error) => errors.push(error) });
    try {
      const heard = record(feed);
      await raw.publish(feed.channel, JSON.stringify(messageCreated(1, 'x'.repeat(10_000))));
      await feed.publish(messageCreated(2));
      await waitForCount([heard], 1);
      await settle();
      expect(heard.changes).toEqual([messageCreated(2)]);
      expect(errors.map((e) => e.message)).toEqual([expect.stringMatching(/^Redis change feed: dropped a malformed message \(over 7999 bytes\): "\{.{190,}\.\.\."$/)]);
    } finally {
      await feed.close();
    }
  });

  it('fails at once with a clear error, without the password, when Redis does not answer', async () => {
    const port = await deadPort();
    const started = Date.now();
    const attempt = RedisChangeFeed.connect(`redis://parley:s3cret-password@127.0.0.1:${port}`);
    await expect(attempt).rejects.toThrow(`REDIS_URL: cannot use Redis at redis://127.0.0.1:${port} for change notifications: connect ECONNREFUSED`);
    await attempt.catch((error: Error) => expect(error.message).not.toContain('s3cret'));
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
