import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrationNames } from '../../src/store/migrations.js';
import { tempDbFile } from '../support/parley.js';
import { clientFor, spawnParley, type ServerProcess } from '../support/server-process.js';

/**
 * Three `parley serve` processes started at the same moment on one new SQLite file: they take
 * the start-up lock in turn, so the file is migrated, keyed and bootstrapped once.
 */
describe('three Parley processes started together on one new SQLite file', () => {
  const file = tempDbFile();
  const processes: ServerProcess[] = [];

  beforeAll(async () => {
    // All three open the file at one moment, 3 s from now, whenever each has loaded its modules.
    const env = {
      DATABASE_URL: file, PARLEY_ADMIN_TOKEN: '', PARLEY_SEED_DEMO: 'true', PARLEY_ENCRYPTION_KEY: '',
      PARLEY_TEST_SERVE_AT: String(Date.now() + 3_000),
      PARLEY_RATE_LIMIT_CHAT: '0', PARLEY_RATE_LIMIT_WRITES: '0', PARLEY_RATE_LIMIT_READS: '0',
    };
    const serveAt = 'test/multi-instance/fixtures/serve-at.ts';
    const started = await Promise.allSettled([spawnParley(env, serveAt), spawnParley(env, serveAt), spawnParley(env, serveAt)]);
    for (const result of started) if (result.status === 'fulfilled') processes.push(result.value);
    for (const result of started) if (result.status === 'rejected') throw result.reason;
  }, 60_000);

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.kill()));
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  });

  it('all listen; one bootstrapped the file and printed the keys, the others found it bootstrapped', async () => {
    expect(processes).toHaveLength(3);
    const outputs = processes.map((p) => p.output());
    expect(outputs.filter((o) => o.includes('Admin key (shown once, keep it):'))).toHaveLength(1);
    expect(outputs.filter((o) => o.includes('Existing database: keys were printed on its first start.'))).toHaveLength(2);

    const db = new BetterSqlite3(file, { readonly: true });
    try {
      expect(db.prepare('select role, count(*) as n from users group by role order by role').all()).toEqual([
        { role: 'admin', n: 1 }, { role: 'buyer', n: 1 }, { role: 'seller', n: 1 },
      ]);
      expect(db.prepare('select count(*) as n from api_keys').get()).toEqual({ n: 3 });
      expect(db.prepare("select count(*) as n from orders where kind = 'account'").get()).toEqual({ n: 4 });
      expect((db.prepare('select name from kysely_migration order by name').all() as { name: string }[]).map((r) => r.name))
        .toEqual(migrationNames());
    } finally {
      db.close();
    }
    // One credentials key file, made once.
    expect(fs.existsSync(`${file}.key`)).toBe(true);
  });

  it('every instance serves the one database with the printed keys', async () => {
    const bootstrap = processes.map((p) => p.output()).find((o) => o.includes('Admin key (shown once, keep it):'))!;
    const sellerKey = /Demo seller key \(shown once\): (\S+)/.exec(bootstrap)![1]!;
    for (const server of processes) {
      const client = await clientFor(server.url);
      const res = await client.get('/v2/account-orders', { token: sellerKey });
      expect(res.status, res.text).toBe(200);
      expect(res.body.data).toHaveLength(4);
    }
  });

  it('takes 300 concurrent sends spread over the three, each answered 200 and stored (writers wait for the file\'s lock)', async () => {
    const bootstrap = processes.map((p) => p.output()).find((o) => o.includes('Admin key (shown once, keep it):'))!;
    const sellerKey = /Demo seller key \(shown once\): (\S+)/.exec(bootstrap)![1]!;
    const clients = await Promise.all(processes.map((p) => clientFor(p.url)));
    const pending = await clients[0]!.get('/v2/account-orders?filter[status]=pending', { token: sellerKey });
    const orderId = (pending.body.data as Array<{ id: number }>)[0]!.id;
    const path = `/v2/account-orders/${orderId}/messages`;
    const statuses = await Promise.all(Array.from({ length: 300 }, (_, i) =>
      clients[i % 3]!.post(path, { message: `concurrent ${i}` }, { token: sellerKey }).then((res) => res.status)));
    expect(statuses.filter((status) => status !== 200), 'no send failed').toEqual([]);
    const thread = await clients[1]!.get(path, { token: sellerKey });
    const texts = new Set((thread.body.data as Array<{ text: string }>).map((m) => m.text));
    for (let i = 0; i < 300; i++) expect(texts.has(`concurrent ${i}`), `concurrent ${i}`).toBe(true);
  });
  it("answers what another process wrote at once: kept answers and their version reads stay exact", async () => {
    const bootstrap = processes.map((p) => p.output()).find((o) => o.includes('Admin key (shown once, keep it):'))!;
    const sellerKey = /Demo seller key \(shown once\): (\S+)/.exec(bootstrap)![1]!;
    const [reader, writer] = await Promise.all([clientFor(processes[0]!.url), clientFor(processes[1]!.url)]);
    const pending = await reader.get('/v2/account-orders?filter[status]=pending', { token: sellerKey });
    const orderId = (pending.body.data as Array<{ id: number }>)[0]!.id;
    const thread = `/v2/account-orders/${orderId}/messages`;
    const order = `/v2/account-orders/${orderId}`;
    for (let round = 1; round <= 3; round++) {
      // Read twice on one process, so its answers are kept and its version rows too.
      let before = 0;
      for (let i = 0; i < 2; i++) {
        const kept = await reader.get(thread, { token: sellerKey });
        expect(kept.status).toBe(200);
        before = (kept.body.data as unknown[]).length;
        expect((await reader.get(order, { token: sellerKey })).status).toBe(200);
      }
      const text = `written on another process, round ${round}`;
      expect((await writer.post(thread, { message: text }, { token: sellerKey })).status).toBe(200);
      const credentials = `login: round-${round}`;
      expect((await writer.patch(`${order}/credentials`, { credentials }, { token: sellerKey })).status).toBe(200);
      // The message, then the system message the credentials change adds.
      const messages = (await reader.get(thread, { token: sellerKey })).body.data as Array<{ text: string }>;
      expect(messages).toHaveLength(before + 2);
      expect(messages.at(-2)!.text).toBe(text);
      expect(((await reader.get(order, { token: sellerKey })).body.data as { credentials: string }).credentials).toBe(credentials);
    }
  });
});
