import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestPgDatabase, tempDbFile, testDialect } from '../../support/test-db.js';
import { clientFor, spawnParley, type ServerProcess } from '../../support/server-process.js';

/**
 * A real `parley serve` killed (SIGKILL) after a keyed write committed and before its answer
 * went out (PARLEY_TEST_KILL_AFTER_COMMIT_KEY, a test-only hook in src/http/idempotency.ts): the
 * retry on the restarted server never applies the write a second time.
 */
const servers: ServerProcess[] = [];
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.kill('SIGKILL');
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

const ADMIN_TOKEN = 'idempotency-sigkill-admin-token';

async function database(): Promise<Record<string, string>> {
  if (testDialect() === 'sqlite') return { DATABASE_URL: tempDbFile() };
  const pg = await createTestPgDatabase();
  cleanups.push(pg.drop);
  return { DATABASE_URL: pg.url, PARLEY_ENCRYPTION_KEY: randomBytes(32).toString('hex') };
}

async function serve(env: Record<string, string>, killKey = ''): Promise<ServerProcess> {
  const server = await spawnParley({ ...env, PARLEY_ADMIN_TOKEN: ADMIN_TOKEN, PARLEY_RATE_LIMIT_CHAT: '0', PARLEY_RATE_LIMIT_WRITES: '0', PARLEY_TEST_KILL_AFTER_COMMIT_KEY: killKey });
  servers.push(server);
  return server;
}

/** The request the process dies on: no answer arrives. */
async function diesOn(server: ServerProcess, path: string, token: string, key: string, body: unknown): Promise<void> {
  const exited = new Promise((resolve) => server.child.once('exit', (_code, signal) => resolve(signal)));
  const answer = fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify(body),
  });
  await expect(answer).rejects.toThrow();
  expect(await exited).toBe('SIGKILL');
}

describe('Idempotency-Key across a SIGKILL between the commit and the reply', () => {
  it('never applies a write twice: a send replays its stored answer, an admin write is refused', async () => {
    const env = await database();
    // 1. A send (its answer commits with the message), killed before the reply.
    const first = await serve(env, 'killed-send');
    const sellerKey = /Demo seller key \(shown once\): (\S+)/.exec(first.output())![1]!;
    const path = new URL(/curl -sS -X POST (\S+) \\/.exec(first.output())![1]!).pathname;
    await diesOn(first, path, sellerKey, 'killed-send', { message: 'sent before the crash' });

    // 2. Restarted: the retry gets the stored answer, and the message is there once.
    const second = await serve(env, 'killed-user');
    let api = await clientFor(second.url);
    const retry = await api.post(path, { message: 'sent before the crash' }, { token: sellerKey, headers: { 'Idempotency-Key': 'killed-send' } });
    expect(retry.status, retry.text).toBe(200);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    const thread = await api.get(path, { token: sellerKey });
    const sent = thread.body.data.filter((m: { text: string }) => m.text === 'sent before the crash');
    expect(sent).toHaveLength(1);
    expect(sent[0].id).toBe(retry.body.data.id);

    // 3. An admin write (its answer is stored after the commit), killed before the reply.
    await diesOn(second, '/admin/v1/users', ADMIN_TOKEN, 'killed-user', { username: 'made-once', role: 'seller' });
    const third = await serve(env);
    api = await clientFor(third.url);
    const refused = await api.post('/admin/v1/users', { username: 'made-once', role: 'seller' }, { token: ADMIN_TOKEN, headers: { 'Idempotency-Key': 'killed-user' } });
    expect(refused.status, refused.text).toBe(409);
    expect(refused.body.message).toMatch(/applied, but its answer was lost/);
    // The user the killed request made exists: a new create of the name is refused as taken.
    const again = await api.post('/admin/v1/users', { username: 'made-once', role: 'seller' }, { token: ADMIN_TOKEN });
    expect(again.status).toBe(422);
    expect(Object.keys(again.body.errors)).toEqual(['username']);
  }, 90_000);
});
