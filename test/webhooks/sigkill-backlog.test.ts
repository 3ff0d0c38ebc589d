import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { Fixtures } from '../support/fixtures.js';
import { createTestDatabase, testDialect } from '../support/test-db.js';
import { clientFor, spawnParley, type ServerProcess } from '../support/server-process.js';
import { expectSignedDelivery, Receiver, waitFor } from './receiver.js';

/**
 * At-least-once through a SIGKILL in the middle of a backlog, with several attempts per endpoint
 * under way and more claimed deliveries waiting for a slot: a real `parley serve` process on the
 * project's database (SQLite file or PostgreSQL) is killed, another one starts on the same
 * database, and every acknowledged message's event reaches the receiver with a 2xx.
 */

let servers: ServerProcess[] = [];
let receiver: Receiver | null = null;
let drop: (() => Promise<void>) | null = null;
afterEach(async () => {
  for (const server of servers) await server.kill('SIGKILL');
  servers = [];
  await receiver?.close();
  receiver = null;
  await drop?.();
  drop = null;
});

describe('a SIGKILL during a webhook backlog', () => {
  it('loses no event: after a restart every acknowledged message is delivered at least once', async () => {
    const database = await createTestDatabase(testDialect());
    drop = database.drop;
    const live = await Receiver.start();
    receiver = live;
    const path = live.newPath('backlog');
    const DELIVERED_BEFORE_KILL = 12;
    // The first deliveries are answered, then the receiver stops answering: a backlog builds up
    // with attempts under way (hanging) and claimed deliveries waiting behind them.
    live.script(path, ...Array<number>(DELIVERED_BEFORE_KILL).fill(200));
    live.setDefault(path, 'hang');
    const env = {
      DATABASE_URL: database.config.dialect === 'postgres' ? database.config.url : database.config.file,
      PARLEY_ADMIN_TOKEN: `sigkill-admin-${randomBytes(8).toString('hex')}`,
      PARLEY_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
      PARLEY_SEED_DEMO: 'false',
      PARLEY_RATE_LIMIT_READS: '0',
      PARLEY_RATE_LIMIT_WRITES: '0',
      PARLEY_RATE_LIMIT_CHAT: '0',
      PARLEY_WEBHOOK_CONCURRENCY: '4',
      PARLEY_WEBHOOK_POLL_MS: '50',
      PARLEY_WEBHOOK_RETRY_SCHEDULE: '0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5',
      // The killed process's leases pass soon: its successor takes those deliveries over.
      PARLEY_WEBHOOK_LEASE_MS: '2000',
    };

    const first = await spawnParley(env);
    servers.push(first);
    const admin = (await clientFor(first.url)).withToken(env.PARLEY_ADMIN_TOKEN);
    const { seller, order } = await new Fixtures(admin).scenario('pending');
    const created = await admin.post(`/admin/v1/users/${seller.id}/webhook-endpoints`, { url: live.url(path), events: ['order.message.created'] });
    expect(created.status, created.text).toBe(201);
    const { secret } = created.body.data;

    const MESSAGES = 40;
    const acknowledged: string[] = [];
    for (let i = 0; i < MESSAGES; i++) {
      const sent = await admin.post(`/v2/account-orders/${order.id}/messages`, { message: `backlog ${i}` }, { token: seller.token });
      expect(sent.status, sent.text).toBe(200);
      acknowledged.push(sent.body.data.id);
    }
    // Mid-backlog: some delivered, the endpoint's four slots hanging, the rest still to go.
    await waitFor(() => live.hangingCount >= 4, 20_000, 'four attempts under way');
    await first.kill('SIGKILL');
    const answered = () => live.on(path).filter((r) => typeof r.answer === 'number' && r.answer >= 200 && r.answer < 300);
    expect(answered().length, 'a backlog was left when the process died').toBeLessThan(MESSAGES);

    live.setDefault(path, 200);
    const second = await spawnParley(env);
    servers.push(second);
    const deliveredIds = () => new Set(answered().map((r) => JSON.parse(r.body).payload.message.id as string));
    await waitFor(() => acknowledged.every((id) => deliveredIds().has(id)), 30_000, 'every acknowledged message delivered', 50);

    for (const request of answered()) expectSignedDelivery(request, [secret], { topic: 'order.message.created' });
    expect([...deliveredIds()].sort()).toEqual([...acknowledged].sort());
  }, 60_000);
});
