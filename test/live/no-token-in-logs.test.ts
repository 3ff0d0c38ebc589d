import { afterEach, describe, expect, it } from 'vitest';
import { tempDbFile, testDialect } from '../support/parley.js';
import { clientFor, spawnParley, type ServerProcess } from '../support/server-process.js';

let server: ServerProcess | null = null;
afterEach(async () => {
  await server?.kill();
  server = null;
});

// A `parley serve` on a SQLite file of its own: once is enough (the sqlite project).
describe.skipIf(testDialect() !== 'sqlite')('request logs', () => {
  it('never contain a stream token: the query parameter is redacted', async () => {
    const adminToken = 'stream-log-test-admin-token';
    server = await spawnParley({ DATABASE_URL: tempDbFile(), PARLEY_ADMIN_TOKEN: adminToken, LOG_LEVEL: 'info', PARLEY_SEED_DEMO: 'false' });
    const admin = (await clientFor(server.url)).withToken(adminToken);
    const minted = await admin.post('/v2/stream-tokens', {});
    expect(minted.status).toBe(201);
    const token: string = minted.body.data.token;
    // Refused (no such order): the request is logged, with its URL.
    const refused = await fetch(`${server.url}/v2/account-orders/999/messages/stream?stream_token=${encodeURIComponent(token)}&last_event_id=1`);
    expect(refused.status).toBe(404);
    await server.kill();
    const logs = server.output();
    expect(logs).toContain('stream_token=[redacted]&last_event_id=1');
    expect(logs.includes(token.slice(3, 40)), 'the token').toBe(false);
  });
});
