import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createChangeFeed } from '../../src/changes/create-change-feed.js';
import { InProcessChangeFeed } from '../../src/changes/in-process-change-feed.js';
import { PostgresChangeFeed } from '../../src/changes/postgres-change-feed.js';
import { RedisChangeFeed } from '../../src/changes/redis-change-feed.js';
import { TEST_PG_ADMIN_URL } from '../support/pg-admin.js';
import { skipWithoutRedis, TEST_REDIS_URL } from '../rate-limit/redis-test-support.js';
import { deadPort, skipWithoutPostgres, uniqueChannel } from './change-feed-support.js';

const skipPostgres = await skipWithoutPostgres('createChangeFeed with PostgreSQL');
const skipRedis = await skipWithoutRedis('createChangeFeed with Redis');

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const FIXTURE = path.join(ROOT, 'test/changes/fixtures/publish-close-exit.ts');

/** Runs the fixture as its own process; resolves with its exit code and output, or kills it after `ms`. */
function runFixture(args: string[], ms = 15_000): Promise<{ code: number | null; stdout: string; stderr: string; timedOut: boolean }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, ms);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, timedOut });
    });
  });
}

describe('createChangeFeed', () => {
  it('keeps changes in the process without Redis and PostgreSQL (SQLite)', async () => {
    const feed = await createChangeFeed({ redisUrl: null, redisNamespace: 'ignored', postgres: null });
    expect(feed).toBeInstanceOf(InProcessChangeFeed);
    await feed.close();
  });

  it.skipIf(skipPostgres)('listens on PostgreSQL when the database is PostgreSQL and there is no Redis', async () => {
    const channel = uniqueChannel('factory');
    const feed = await createChangeFeed({ redisUrl: null, redisNamespace: null, postgres: { connectionString: TEST_PG_ADMIN_URL, channel } });
    expect(feed).toBeInstanceOf(PostgresChangeFeed);
    expect((feed as PostgresChangeFeed).channel).toBe(channel);
    await feed.close();
  });

  it.skipIf(skipRedis)('prefers Redis when REDIS_URL is set, on parley:<namespace>:changes (parley:changes without one)', async () => {
    const namespace = uniqueChannel('factory');
    const feed = await createChangeFeed({ redisUrl: TEST_REDIS_URL, redisNamespace: namespace, postgres: { connectionString: 'postgres://127.0.0.1:1/unused' } });
    expect(feed).toBeInstanceOf(RedisChangeFeed);
    expect((feed as RedisChangeFeed).channel).toBe(`parley:${namespace}:changes`);
    await feed.close();
    const plain = await createChangeFeed({ redisUrl: TEST_REDIS_URL, redisNamespace: null, postgres: null });
    expect((plain as RedisChangeFeed).channel).toBe('parley:changes');
    await plain.close();
  });

  it('rejects at start when the chosen server does not answer', async () => {
    const port = await deadPort();
    await expect(createChangeFeed({ redisUrl: `redis://127.0.0.1:${port}`, redisNamespace: null, postgres: null })).rejects.toThrow(
      /^REDIS_URL: cannot use Redis at redis:\/\/127\.0\.0\.1:\d+ for change notifications: connect ECONNREFUSED/,
    );
    await expect(
      createChangeFeed({ redisUrl: null, redisNamespace: null, postgres: { connectionString: `postgres://parley:s3cret@127.0.0.1:${port}/parley` } }),
    ).rejects.toThrow(/^PostgreSQL change feed: cannot listen on 127\.0\.0\.1:\d+\/parley: connect ECONNREFUSED/);
  });

  describe('a process that closes its feeds exits on its own (no handle left open)', () => {
    it('in-process', async () => {
      const run = await runFixture(['in-process']);
      expect(run).toMatchObject({ code: 0, timedOut: false, stderr: '' });
      expect(run.stdout).toBe('closed after 2 deliveries: InProcessChangeFeed\n');
    });

    it.skipIf(skipPostgres)('PostgreSQL', async () => {
      const run = await runFixture(['postgres', TEST_PG_ADMIN_URL, uniqueChannel('exit')]);
      expect(run).toMatchObject({ code: 0, timedOut: false, stderr: '' });
      expect(run.stdout).toBe('closed after 2 deliveries: PostgresChangeFeed\n');
    });

    it.skipIf(skipRedis)('Redis', async () => {
      const run = await runFixture(['redis', TEST_REDIS_URL, uniqueChannel('exit')]);
      expect(run).toMatchObject({ code: 0, timedOut: false, stderr: '' });
      expect(run.stdout).toBe('closed after 2 deliveries: RedisChangeFeed\n');
    });
  });
});
