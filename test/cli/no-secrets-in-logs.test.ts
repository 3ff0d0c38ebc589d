import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDbFile } from '../support/parley.js';
import { clientFor, spawnParley, type ServerProcess } from '../support/server-process.js';

let server: ServerProcess | null = null;
afterEach(async () => {
  await server?.kill();
  server = null;
});

describe('logs', () => {
  it('never contain credentials or bearer tokens, even at trace level', async () => {
    const dbFile = tempDbFile();
    const adminToken = 'log-test-admin-token-MARKER';
    server = await spawnParley({ DATABASE_URL: dbFile, PARLEY_ADMIN_TOKEN: adminToken, LOG_LEVEL: 'trace', PARLEY_SEED_DEMO: 'false' });
    const api = (await clientFor(server.url)).withToken(adminToken);
    const seller = await api.post('/admin/v1/users', { username: 'log-seller', role: 'seller' });
    const buyer = await api.post('/admin/v1/users', { username: 'log-buyer', role: 'buyer' });
    await api.post('/admin/v1/games', { name: 'Game', slug: 'game' });
    const order = await api.post('/admin/v1/account-orders', {
      seller_id: seller.body.data.id, buyer_id: buyer.body.data.id, title: 'Account', credentials: 'first-SECRET-marker',
    });
    expect(order.status).toBe(201);
    const patched = await api.patch(`/v2/account-orders/${order.body.data.id}/credentials`, { credentials: 'second-SECRET-marker' });
    expect(patched.status).toBe(200);
    // A failing request is logged too; its body must not be.
    const bad = await api.patch(`/v2/account-orders/${order.body.data.id}/credentials`, { credentials: 42, note: 'third-SECRET-marker' });
    expect(bad.status).toBe(422);

    await server.kill();
    const logs = server.output();
    expect(logs).toContain('"msg":"request completed"'); // trace/info logging did run
    for (const secret of ['first-SECRET-marker', 'second-SECRET-marker', 'third-SECRET-marker', adminToken]) {
      expect(logs.includes(secret), secret).toBe(false);
    }
    expect(fs.existsSync(`${dbFile}.key`)).toBe(true);
  });
});
