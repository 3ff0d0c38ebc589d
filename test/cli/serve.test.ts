import { afterEach, describe, expect, it } from 'vitest';
import { tempDbFile } from '../support/parley.js';
import { clientFor, spawnParley, type ServerProcess } from '../support/server-process.js';

let server: ServerProcess | null = null;
afterEach(async () => {
  await server?.kill();
  server = null;
});

describe('parley serve', () => {
  it('seeds an empty database, prints keys and a curl that works, and keeps data across restarts', async () => {
    const dbFile = tempDbFile();
    server = await spawnParley({ DATABASE_URL: dbFile });
    const banner = server.output();
    const sellerKey = /Demo seller key \(shown once\): (\S+)/.exec(banner)?.[1];
    const adminKey = /Admin key \(shown once, keep it\): (\S+)/.exec(banner)?.[1];
    expect(sellerKey).toBeDefined();
    expect(adminKey).toBeDefined();
    expect(banner).toMatch(/#\d+ pending, #\d+ in_delivery, #\d+ delivered, #\d+ refunded/);

    // Run the printed curl's request.
    const curl = /curl -sS -X POST (\S+) \\/.exec(banner)![1]!;
    const path = new URL(curl).pathname;
    const api = await clientFor(server.url);
    const sent = await api.post(path, { message: 'Hello from Parley!' }, { token: sellerKey });
    expect(sent.status).toBe(200);
    const admin = await api.post('/admin/v1/users', { username: 'second-seller', role: 'seller' }, { token: adminKey });
    expect(admin.status).toBe(201);

    await server.kill();
    server = await spawnParley({ DATABASE_URL: dbFile });
    // Keys are shown once: a restart prints none, and the old ones still work.
    expect(server.output()).not.toContain('shown once');
    const thread = await (await clientFor(server.url)).get(path, { token: sellerKey });
    expect(thread.status).toBe(200);
    const texts = (thread.body as { data: { text: string }[] }).data.map((m) => m.text);
    expect(texts.at(-1)).toBe('Hello from Parley!');
  });

  it('refuses a bad configuration with a clear message and exit code 2', async () => {
    await expect(spawnParley({ DATABASE_URL: tempDbFile(), PARLEY_RATE_LIMIT_CHAT: 'lots' })).rejects.toThrow(
      /exited with 2[\s\S]*PARLEY_RATE_LIMIT_CHAT must be a whole number/,
    );
  });
});
