import { randomBytes } from 'node:crypto';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { Fixtures } from '../support/fixtures.js';
import { tempDbFile } from '../support/parley.js';
import { clientFor, spawnParley, type ServerProcess } from '../support/server-process.js';
import { expectSignedDelivery, Receiver, reserveFreePort, waitFor } from './receiver.js';

let servers: ServerProcess[] = [];
let receiver: Receiver | null = null;
afterEach(async () => {
  await receiver?.close();
  receiver = null;
  for (const server of servers) await server.kill('SIGKILL');
  servers = [];
});

interface EventRow {
  id: string;
  topic: string;
  payload: string;
}

describe('the outbox survives a SIGKILL', () => {
  it('delivers the event of an acknowledged message after the process is killed right after the 200 and restarted', async () => {
    const dbFile = tempDbFile();
    const port = await reserveFreePort(); // nothing listens there until after the restart
    const env = {
      DATABASE_URL: dbFile,
      PARLEY_ADMIN_TOKEN: `sigkill-admin-${randomBytes(8).toString('hex')}`,
      PARLEY_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
      PARLEY_SEED_DEMO: 'false',
      PARLEY_RATE_LIMIT_READS: '0',
      PARLEY_RATE_LIMIT_WRITES: '0',
      PARLEY_RATE_LIMIT_CHAT: '0',
      // Nine attempts half a second apart: retries keep going while the receiver comes up.
      PARLEY_WEBHOOK_RETRY_SCHEDULE: '0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5',
      PARLEY_WEBHOOK_POLL_MS: '50',
      // A short lease: the killed process may have claimed the delivery; its successor takes it over sooner.
      PARLEY_WEBHOOK_LEASE_MS: '3000',
    };

    const first = await spawnParley(env);
    servers.push(first);
    const admin = (await clientFor(first.url)).withToken(env.PARLEY_ADMIN_TOKEN);
    const { seller, order } = await new Fixtures(admin).scenario('pending');
    const created = await admin.post(`/admin/v1/users/${seller.id}/webhook-endpoints`, {
      url: `http://127.0.0.1:${port}/after-restart`,
      events: ['order.message.created'],
    });
    expect(created.status, created.text).toBe(201);
    const { id: endpointId, secret } = created.body.data;

    const sent = await admin.post(`/v2/account-orders/${order.id}/messages`, { message: 'survive the kill' }, { token: seller.token });
    first.child.kill('SIGKILL');
    expect(sent.status, sent.text).toBe(200);
    await first.kill('SIGKILL');
    expect(first.child.signalCode).toBe('SIGKILL');
    const message = sent.body.data;

    // The event was committed with the message: it is in the file the moment the process is gone.
    const db = new BetterSqlite3(dbFile, { readonly: true });
    let event: EventRow;
    try {
      const rows = (db.prepare("select id, topic, payload from webhook_events where topic = 'order.message.created'").all() as EventRow[])
        .filter((r) => JSON.parse(r.payload).payload.message.id === message.id);
      expect(rows, 'one order.message.created event for the acknowledged message').toHaveLength(1);
      event = rows[0]!;
      expect(JSON.parse(event.payload)).toEqual({
        event: 'order.message.created',
        payload: { order_kind: 'account', order_id: order.id, message },
      });
      const deliveries = db.prepare('select state from webhook_deliveries where event_id = ? and endpoint_id = ?').all(event.id, endpointId);
      expect(deliveries).toEqual([{ state: 'pending' }]);
    } finally {
      db.close();
    }

    // Same database, same admin token and encryption key; then the receiver appears on the reserved port.
    const second = await spawnParley(env);
    servers.push(second);
    receiver = await Receiver.start(port);
    const live = receiver;

    // If the kill landed in the middle of an attempt (the first process had leased the delivery and
    // not settled it, as is common: the worker polls every 50 ms), the new process takes it over
    // once that lease runs out (20 s, not configurable); otherwise within a poll or a retry.
    const req = await waitFor(() => live.on('/after-restart')[0], 25_000, 'the event after the restart', 50);
    const delivery = expectSignedDelivery(req, [secret], { topic: 'order.message.created' });
    expect(delivery.eventId).toBe(event.id);
    expect(delivery.payload).toEqual({ order_kind: 'account', order_id: order.id, message });
    expect(delivery.payload.message.id).toBe(message.id);
  }, 60_000);
});
