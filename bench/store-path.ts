/**
 * The send's store path alone, in one process: Parley started as `npm start` starts it, on a fresh
 * SQLite file (WAL, synchronous=FULL, the group commit), and `callers` concurrent callers of the
 * domain's send (`sendOrderMessage`, what the route calls once the request is checked): no HTTP,
 * no sockets, no load generator. Its CPU per send moves with the store's work and far less with
 * the machine's drift than the HTTP scenarios do, so it is the figure to read for a change to the
 * store path. Run by bench/run.ts (`node <flags> dist/bench/store-path.js <file> <callers>
 * <warm-up s> <seconds>`); prints one JSON line.
 */
import fs from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import { loadConfig } from '../src/config.js';
import { startParley } from '../src/server.js';
import { sendOrderMessage } from '../src/domain/order-chat.js';

const [file, callersArg, warmupArg, secondsArg] = process.argv.slice(2);
if (!file || !callersArg || !warmupArg || !secondsArg) throw new Error('usage: store-path.js <database file> <callers> <warm-up seconds> <seconds>');
const callers = Number(callersArg);
const ADMIN_TOKEN = 'bench-store-path-admin';
const TEXT = 'Hello from the benchmark: is the account ready?';

const parley = await startParley(loadConfig({
  ...process.env,
  DATABASE_URL: `sqlite://${file}`,
  HOST: '127.0.0.1',
  PORT: '0',
  PARLEY_ADMIN_TOKEN: ADMIN_TOKEN,
  PARLEY_SEED_DEMO: 'false',
  LOG_LEVEL: 'warn',
  // A throwaway file: a fixed key spares writing (and warning about) a generated key file beside it.
  PARLEY_ENCRYPTION_KEY: '0'.repeat(64),
}));
const app = parley.app;

async function admin<T>(url: string, payload: unknown): Promise<T> {
  const reply = await app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${ADMIN_TOKEN}` }, payload: payload as object });
  if (reply.statusCode !== 200 && reply.statusCode !== 201) throw new Error(`${url}: ${reply.statusCode} ${reply.body}`);
  const body = reply.json() as { data?: T } & T;
  return body.data ?? body;
}

const seller = await admin<{ id: number }>('/admin/v1/users', { username: 'bench-seller', role: 'seller' });
const buyer = await admin<{ id: number }>('/admin/v1/users', { username: 'bench-buyer', role: 'buyer' });
const game = await admin<{ id: number }>('/admin/v1/games', { name: 'Bench Game', slug: 'bench-game' });
const order = await admin<{ id: number }>('/admin/v1/account-orders', {
  seller_id: seller.id, buyer_id: buyer.id, game_id: game.id, title: 'Bench account', price: '19.99', status: 'pending',
});
const { token } = await admin<{ token: string }>(`/admin/v1/users/${seller.id}/api-keys`, { name: 'bench store path' });
const actor = await app.parley.authenticator.authenticate(`Bearer ${token}`);

/** Closed loop: each caller sends its next message once the previous one is committed. */
async function load(seconds: number): Promise<{ sends: number; cpuMicros: number; wallMs: number }> {
  let sends = 0;
  const started = performance.now();
  const end = started + seconds * 1000;
  const cpu = process.cpuUsage();
  const caller = async () => {
    while (performance.now() < end) {
      await sendOrderMessage(app.parley.store, actor, 'account', order.id, TEXT);
      sends++;
    }
  };
  await Promise.all(Array.from({ length: callers }, caller));
  const used = process.cpuUsage(cpu);
  return { sends, cpuMicros: used.user + used.system, wallMs: performance.now() - started };
}

const warmup = await load(Number(warmupArg));
const measured = await load(Number(secondsArg));
await parley.close();
// Every resolved send is a committed message: counted in the file once Parley has let go of it.
const check = new BetterSqlite3(file, { readonly: true });
const { stored } = check.prepare('SELECT count(*) AS stored FROM messages').get() as { stored: number };
check.close();
for (const suffix of ['', '-wal', '-shm', '.key', '.startup-lock']) fs.rmSync(`${file}${suffix}`, { force: true });
process.stdout.write(`${JSON.stringify({
  callers,
  sends: measured.sends,
  sendsPerSecond: measured.sends / (measured.wallMs / 1000),
  cpuMicrosPerSend: measured.cpuMicros / measured.sends,
  totalSends: warmup.sends + measured.sends,
  messagesStored: stored,
})}\n`);
