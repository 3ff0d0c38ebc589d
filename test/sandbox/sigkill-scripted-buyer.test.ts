import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { Fixtures } from '../support/fixtures.js';
import { tempDbFile } from '../support/parley.js';
import { clientFor, spawnParley, type ServerProcess } from '../support/server-process.js';

/**
 * A real `parley serve` SIGKILLed while an advance of the test clock is running a scripted
 * buyer's steps one after another: after a restart on the same file, advancing again runs the
 * steps that were left, and no step ran twice (each step's job, its state and its message commit
 * in one transaction; a claim the dead process held is taken again once its lease passes).
 */
const STEPS = 20;
let server: ServerProcess | null = null;
afterEach(async () => {
  await server?.kill('SIGKILL');
  server = null;
});

describe('a scripted conversation survives SIGKILL', () => {
  it('runs every step exactly once across a kill and a restart', { timeout: 90_000 }, async () => {
    const dbFile = tempDbFile();
    const adminToken = 'sigkill-admin-token-0123456789abcdef';
    const env = { DATABASE_URL: dbFile, PARLEY_ADMIN_TOKEN: adminToken, PARLEY_SEED_DEMO: 'false', PARLEY_ENV: 'sandbox' };
    server = await spawnParley(env);
    let admin = (await clientFor(server.url)).withToken(adminToken);
    const fixtures = new Fixtures(admin);
    const seller = await fixtures.user('seller');
    const buyer = await fixtures.user('buyer');
    const order = await fixtures.order(seller, buyer, { status: 'pending' });
    // Step i: the buyer says "step i" after 10 * (i + 1) seconds of silence from the seller.
    const script = Array.from({ length: STEPS }, (_, i) => ({ on: 'silence', after: 10 * (i + 1), reply: `step ${i}` }));
    const put = await admin.request('PUT', `/admin/v1/account-orders/${order.id}/buyer-script`, { json: { script } });
    expect(put.status, put.text).toBe(200);

    // Kill the process as soon as a few of the steps have committed, while the advance still runs.
    const watcher = new BetterSqlite3(dbFile, { readonly: true });
    const buyerMessages = () => (watcher.prepare("select count(*) as n from messages where type = 'user_message'").get() as { n: number }).n;
    const victim = server;
    const advance = admin.post('/admin/v1/clock/advance', { seconds: 10 * STEPS + 5 }).catch(() => null);
    let seenAtKill = 0;
    const giveUp = Date.now() + 15_000;
    while (seenAtKill < 3 && Date.now() < giveUp) {
      seenAtKill = buyerMessages();
      if (seenAtKill < 3) await new Promise((r) => setTimeout(r, 1));
    }
    victim.child.kill('SIGKILL');
    const answered = await advance;
    await victim.kill('SIGKILL');
    const atKill = buyerMessages();
    watcher.close();
    expect(atKill, 'the kill came in the middle of the conversation').toBeGreaterThanOrEqual(3);
    expect(answered === null || answered.status !== 200 || atKill === STEPS).toBe(true);

    // Restart on the same file: the clock is where the dead process left it (durable), and moving
    // it on runs what is left, including any step the dead process had claimed.
    server = await spawnParley(env);
    admin = (await clientFor(server.url)).withToken(adminToken);
    const clock = (await admin.get('/admin/v1/clock')).body.data;
    expect(clock.offset_ms).toBeGreaterThan(0);
    const again = await admin.post('/admin/v1/clock/advance', { seconds: 10 * STEPS + 120 });
    expect(again.status, again.text).toBe(200);

    const thread = await admin.get(`/v2/account-orders/${order.id}/messages`);
    const said = (thread.body.data as { type: string; text: string; sent_at: number }[]).filter((m) => m.type === 'user_message');
    // Every step said its line exactly once. A step the dead process had claimed runs once its
    // claim's lease (60 s of application time) has passed, so it may come after later steps.
    expect(said.map((m) => m.text).sort()).toEqual(Array.from({ length: STEPS }, (_, i) => `step ${i}`).sort());
    const late = said.filter((m, i) => m.text !== `step ${i}`);
    expect(late.length).toBeLessThanOrEqual(STEPS - atKill);
    const steps = (await admin.get(`/admin/v1/account-orders/${order.id}/buyer-script`)).body.data.steps as { status: string; message_id: string }[];
    expect(steps.map((s) => s.status)).toEqual(Array(STEPS).fill('done'));
    expect(new Set(steps.map((s) => s.message_id)).size).toBe(STEPS);
    const db = new BetterSqlite3(dbFile, { readonly: true });
    try {
      expect((db.prepare("select count(*) as n from scheduled_jobs where kind = 'buyer.step'").get() as { n: number }).n).toBe(0);
    } finally {
      db.close();
    }
  });
});
