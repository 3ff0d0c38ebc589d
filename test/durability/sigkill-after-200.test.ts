import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDbFile } from '../support/parley.js';
import { clientFor, spawnParley, type ServerProcess } from '../support/server-process.js';

let server: ServerProcess | null = null;
afterEach(async () => {
  await server?.kill('SIGKILL');
  server = null;
});

describe('an answered 200 is never lost', () => {
  it('keeps every acknowledged message when the process is SIGKILLed right after replying', async () => {
    const dbFile = tempDbFile();
    const adminToken = 'durability-admin-token';
    server = await spawnParley({ DATABASE_URL: dbFile, PARLEY_ADMIN_TOKEN: adminToken, PARLEY_RATE_LIMIT_CHAT: '0', PARLEY_RATE_LIMIT_WRITES: '0' });
    const sellerKey = /Demo seller key \(shown once\): (\S+)/.exec(server.output())![1]!;
    const orderUrl = /curl -sS -X POST (\S+) \\/.exec(server.output())![1]!;

    // Fire a burst of concurrent sends and kill the process the moment the fifth 200 arrives.
    const acknowledged: string[] = [];
    let killed = false;
    const victim = server;
    const api = await clientFor(server.url);
    const sends = Array.from({ length: 40 }, (_, i) =>
      api
        .post(new URL(orderUrl).pathname, { message: `burst ${i}` }, { token: sellerKey })
        .then((res) => {
          if (res.status !== 200) return;
          acknowledged.push((res.body as { data: { id: string } }).data.id);
          if (acknowledged.length >= 5 && !killed) {
            killed = true;
            victim.child.kill('SIGKILL');
          }
        })
        .catch(() => undefined), // requests cut off by the kill were never acknowledged
    );
    await Promise.all(sends);
    await victim.kill('SIGKILL');
    expect(killed).toBe(true);
    expect(acknowledged.length).toBeGreaterThanOrEqual(5);

    // Every id the client saw a 200 for is in the file the next process opens.
    const db = new BetterSqlite3(dbFile);
    try {
      const stored = new Set(
        (db.prepare("select id from messages where type = 'user_message'").all() as { id: string }[]).map((r) => r.id),
      );
      for (const id of acknowledged) expect(stored.has(id), `acknowledged message ${id} was lost`).toBe(true);
    } finally {
      db.close();
    }
  });
});
