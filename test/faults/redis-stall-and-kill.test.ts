import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Change } from '../../src/changes/change-feed.js';
import { RedisChangeFeed } from '../../src/changes/redis-change-feed.js';
import { RedisRateLimitStore } from '../../src/rate-limit/redis-rate-limit-store.js';
import { rawRedis } from '../rate-limit/redis-test-support.js';
import type { ApiResponse } from '../support/api-client.js';
import { startTestParley, type TestParley } from '../support/parley.js';
import { reserveFreePort, waitFor } from '../webhooks/receiver.js';

/**
 * A Redis of this test's own (never the machine's) is stopped with SIGSTOP while Parley uses it
 * for rate limits and change notifications, resumed, killed, and started again on its port.
 * Throughout, every /v2 request and every revocation must be answered (a 3 s bound per request
 * detects a hang; it is not a speed target) and rate limited: by Redis while it answers, by the
 * process's own counters while it does not.
 */
const SUITE = 'a Redis stalled with SIGSTOP, then killed';
const HANG_MS = 3_000;
const LIMIT = 3;

function redisServerMissing(): boolean {
  const probe = spawnSync('redis-server', ['--version'], { stdio: 'ignore' });
  if (!probe.error) return false;
  if (process.env.CI === 'true') return false; // CI has it: fail there instead of hiding the suite
  console.warn(`[${SUITE}] SKIPPED: redis-server is not installed (under CI=true this suite fails instead)`);
  return true;
}

/** The request, or a failure once HANG_MS has passed without an answer. */
async function answered<T>(what: string, request: Promise<ApiResponse<T>>): Promise<ApiResponse<T>> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${HANG_MS} ms`)), HANG_MS);
  });
  try {
    return await Promise.race([request, hang]);
  } finally {
    clearTimeout(timer);
  }
}

describe.skipIf(redisServerMissing())(SUITE, () => {
  const children = new Set<ChildProcess>();
  let port: number;
  let redis: ChildProcess;
  let parley: TestParley;
  /** What the instance's change feed delivered to its own listeners. */
  const heard: Change[] = [];
  const killAll = () => {
    for (const child of children) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      child.kill('SIGCONT');
      child.kill('SIGKILL');
    }
  };

  /** A redis-server on `port`, answering PING, with nothing saved to disk. */
  async function startRedis(): Promise<ChildProcess> {
    const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'], {
      stdio: 'ignore',
    });
    children.add(child);
    child.once('exit', () => children.delete(child));
    await waitFor(async () => {
      if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode} (port ${port} taken?)`);
      const client = await rawRedis(`redis://127.0.0.1:${port}`).catch(() => null);
      if (!client) return false;
      try {
        return (await client.ping()) === 'PONG';
      } finally {
        client.destroy();
      }
    }, 10_000, `redis-server on port ${port}`, 50);
    return child;
  }

  /** The chat window's count as the test's Redis holds it for one key (null: no window there). */
  async function redisChatCount(apiKeyId: number): Promise<number | null> {
    const client = await rawRedis(`redis://127.0.0.1:${port}`);
    try {
      const count = await client.hGet(`parley:rl:key:${apiKeyId}:chat`, 'count');
      return count === null ? null : Number(count);
    } finally {
      client.destroy();
    }
  }

  beforeAll(async () => {
    process.on('exit', killAll); // a crashed worker must not leave a redis-server behind
    port = await reserveFreePort();
    redis = await startRedis();
    parley = await startTestParley({
      REDIS_URL: `redis://127.0.0.1:${port}`,
      PARLEY_RATE_LIMIT_READS: '1000',
      PARLEY_RATE_LIMIT_WRITES: '1000',
      PARLEY_RATE_LIMIT_CHAT: String(LIMIT),
      PARLEY_REDIS_TIMEOUT_MS: '300',
    });
    parley.running.app.parley.changes.subscribe((change) => void heard.push(change));
  }, 30_000);

  afterAll(async () => {
    killAll();
    process.off('exit', killAll);
    await parley?.close();
  }, 30_000);

  /** A seller with a pending order and a fresh key whose id is known (its Redis window is named after it). */
  async function seller() {
    const { seller: user, order } = await parley.fixtures.scenario('pending');
    const res = await parley.admin.post(`/admin/v1/users/${user.id}/api-keys`, { name: 'faults' });
    expect(res.status, res.text).toBe(201);
    const key = res.body.data as { id: number; token: string };
    const send = (text: string) =>
      answered(`send "${text}"`, parley.api.post(`/v2/account-orders/${order.id}/messages`, { message: text }, { token: key.token }));
    const read = () => answered('GET order', parley.api.get(`/v2/account-orders/${order.id}`, { token: key.token }));
    return { keyId: key.id, token: key.token, userId: user.id, send, read };
  }

  /** Sends until the window is full: LIMIT answered 200 with remaining counting down, then 429. */
  async function expectFreshWindowThen429(send: (text: string) => Promise<ApiResponse>, label: string) {
    for (let i = 1; i <= LIMIT; i++) {
      const res = await send(`${label} ${i}`);
      expect(res.status, res.text).toBe(200);
      expect(res.headers.get('x-ratelimit-remaining')).toBe(String(LIMIT - i));
    }
    const limited = await send(`${label} over`);
    expect(limited.status, limited.text).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  }

  /** Revokes a fresh key of `userId` that this instance has cached: answered, and refused afterwards. */
  async function expectRevocationAnswered(userId: number) {
    const created = await parley.admin.post(`/admin/v1/users/${userId}/api-keys`, { name: 'to revoke' });
    expect(created.status, created.text).toBe(201);
    const { id, token } = created.body.data as { id: number; token: string };
    expect((await answered('GET with the key', parley.api.get('/v2/account-orders', { token }))).status).toBe(200);
    const revoked = await answered('DELETE api key', parley.admin.delete(`/admin/v1/api-keys/${id}`));
    expect(revoked.status, revoked.text).toBe(204);
    expect((await answered('GET with the revoked key', parley.api.get('/v2/account-orders', { token }))).status).toBe(401);
  }

  let first: Awaited<ReturnType<typeof seller>>;

  it('counts in Redis while it answers', async () => {
    first = await seller();
    const res = await first.send('counted by Redis');
    expect(res.status, res.text).toBe(200);
    expect(res.headers.get('x-ratelimit-remaining')).toBe(String(LIMIT - 1));
    expect(await redisChatCount(first.keyId)).toBe(1);
  }, 30_000);

  it('after SIGSTOP: answers reads, sends and revocations, limited by the process\'s own counters', async () => {
    expect(redis.kill('SIGSTOP')).toBe(true);
    const read = await first.read();
    expect(read.status, read.text).toBe(200);
    // The window in this process starts afresh: LIMIT sends, then 429.
    await expectFreshWindowThen429(first.send, 'stalled');
    for (let i = 0; i < 5; i++) expect((await first.read()).status).toBe(200);
    await expectRevocationAnswered(first.userId);
    // The feed does not wait either: a publish is refused (dropped) within its deadline.
    const keyHash = 'a'.repeat(64);
    const publish = parley.running.app.parley.changes.publish({ type: 'api_key.revoked', keyHash });
    const outcome = await Promise.race([
      publish.then(() => 'published', (error: Error) => error.message),
      new Promise<string>((resolve) => setTimeout(() => resolve('hung'), HANG_MS)),
    ]);
    expect(outcome).toMatch(/^Redis change feed: publish failed: /);
  }, 30_000);

  it('while stopped, a new instance\'s connections fail at start instead of waiting for the handshake', async () => {
    const url = `redis://127.0.0.1:${port}`;
    await expect(RedisRateLimitStore.connect(url, { connectTimeoutMs: 500 })).rejects.toThrow(/^REDIS_URL: cannot use Redis at redis:\/\/127\.0\.0\.1:\d+: connecting: no answer within 500 ms$/);
    await expect(RedisChangeFeed.connect(url, { connectTimeoutMs: 500 })).rejects.toThrow(/for change notifications: connecting: no answer within 500 ms$/);
  }, 30_000);

  it('after SIGCONT: the shared limits apply again', async () => {
    expect(redis.kill('SIGCONT')).toBe(true);
    // Redis's window holds one send (the first test's); the local one is full. Once the probe has
    // seen Redis answer, sends are counted there again.
    const back = await waitFor(async () => {
      const res = await first.send('back on Redis');
      return res.status === 200 && res;
    }, 15_000, 'a send counted by Redis again', 200);
    expect(back.headers.get('x-ratelimit-remaining')).toBe(String(LIMIT - 2));
    expect(await redisChatCount(first.keyId)).toBe(2);
    // The feed publishes again, and told this instance to re-read what it caches (changes were dropped).
    await waitFor(() => heard.some((c) => c.type === 'resync'), 10_000, 'a resync after the stall');
    const keyHash = 'b'.repeat(64);
    await waitFor(async () => parley.running.app.parley.changes.publish({ type: 'api_key.revoked', keyHash }).then(() => true, () => false), 10_000, 'a publish taken');
    await waitFor(() => heard.some((c) => c.type === 'api_key.revoked' && c.keyHash === keyHash), 5_000, 'the published change heard');
  }, 30_000);

  let second: Awaited<ReturnType<typeof seller>>;

  it('after SIGKILL: still answers and limits, by the process\'s own counters', async () => {
    second = await seller();
    redis.kill('SIGKILL');
    await waitFor(() => redis.exitCode !== null || redis.signalCode !== null, 5_000, 'redis-server to die');
    const read = await second.read();
    expect(read.status, read.text).toBe(200);
    await expectFreshWindowThen429(second.send, 'redis down');
    await expectRevocationAnswered(second.userId);
  }, 30_000);

  it('with a new Redis on the same port: the shared limits return by themselves', async () => {
    redis = await startRedis();
    // The local window of this key is full; the new Redis has none: a 200 means Redis counts it.
    const back = await waitFor(async () => {
      const res = await second.send('on the new Redis');
      return res.status === 200 && res;
    }, 15_000, 'a send counted by the new Redis', 200);
    expect(back.headers.get('x-ratelimit-remaining')).toBe(String(LIMIT - 1));
    expect(await redisChatCount(second.keyId)).toBe(1);
    expect((await second.read()).status).toBe(200);
  }, 30_000);
});
