import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Parley } from '../../sdk/src/index.js';
import { registerCommands } from '../../src/cli/commands/index.js';
import { migrationNames } from '../../src/store/migrations.js';
import { startTestParley, tempDbFile, type TestParley } from '../support/parley.js';
import { clientFor, spawnParley } from '../support/server-process.js';
import { reserveFreePort, waitFor } from '../webhooks/receiver.js';
import { BuiltCli, exitOf, Lines } from './support/built-cli.js';
import { VerifyingReceiver } from './support/verifying-receiver.js';

/**
 * The built `parley` binary run as a user runs it (node dist/src/cli/main.js, compiled once by
 * this suite into a directory of its own): the offline commands on database files, the API
 * commands against a started server, `chat tail` and `webhooks listen` on its live streams.
 */
let cli: BuiltCli;
let parley: TestParley;
let admin: Parley;

beforeAll(async () => {
  [cli, parley] = await Promise.all([BuiltCli.build(), startTestParley()]);
  admin = new Parley({ baseUrl: parley.url, token: parley.adminToken });
}, 240_000);
afterAll(async () => {
  cli?.remove();
  await parley?.close();
});

const json = (text: string) => JSON.parse(text);

describe('every command', () => {
  it('has --help with an example', () => {
    const program = new Command('parley');
    registerCommands(program);
    const leaves: Command[] = [];
    const walk = (command: Command) => (command.commands.length === 0 ? leaves.push(command) : command.commands.forEach(walk));
    walk(program);
    expect(leaves.length).toBeGreaterThanOrEqual(20);
    for (const leaf of leaves) {
      let help = '';
      leaf.configureOutput({ writeOut: (text) => (help += text) });
      leaf.outputHelp();
      expect(help, `${leaf.name()} --help`).toMatch(/Examples:\n {2}\$ \S/);
    }
  });
});

describe('offline commands (DATABASE_URL, no server)', () => {
  it('migrate applies every migration once', async () => {
    const file = tempDbFile();
    const first = await cli.run(['migrate', '--json'], { DATABASE_URL: file });
    expect(first.code, first.stderr).toBe(0);
    expect(json(first.stdout).applied).toEqual(migrationNames());
    const again = await cli.run(['migrate'], { DATABASE_URL: file });
    expect([again.code, again.stdout.trim()]).toEqual([0, `${file}: up to date`]);
  });

  it("admin-key create on a stopped server's database issues a key that works after start", async () => {
    const file = tempDbFile();
    let server = await spawnParley({ DATABASE_URL: file, PARLEY_SEED_DEMO: 'false' }, cli.relativeMain);
    await server.kill();
    const created = await cli.run(['admin-key', 'create', '--name', 'recovered', '--json'], { DATABASE_URL: file });
    expect(created.code, created.stderr).toBe(0);
    const { token, name } = json(created.stdout);
    expect(name).toBe('recovered');
    server = await spawnParley({ DATABASE_URL: file, PARLEY_SEED_DEMO: 'false' }, cli.relativeMain);
    try {
      const res = await (await clientFor(server.url)).post('/admin/v1/users', { username: 'after-recovery', role: 'seller' }, { token });
      expect(res.status, res.text).toBe(201);
    } finally {
      await server.kill();
    }
  });

  it('exits 3 when the database does not answer, 2 when its configuration is wrong', async () => {
    const key = 'a'.repeat(64);
    const down = await cli.run(['migrate'], { DATABASE_URL: 'postgres://parley@127.0.0.1:9/parley', PARLEY_ENCRYPTION_KEY: key });
    expect([down.code, down.stderr]).toEqual([3, expect.stringMatching(/^parley: cannot open the database: /)]);
    const noKey = await cli.run(['admin-key', 'create'], { DATABASE_URL: 'postgres://parley@127.0.0.1:9/parley' });
    expect([noKey.code, noKey.stderr]).toEqual([2, expect.stringContaining('PARLEY_ENCRYPTION_KEY')]);
  });

  it('demo seeds an empty database and refuses one with users (exit 1)', async () => {
    const file = tempDbFile();
    const seeded = await cli.run(['demo', '--json'], { DATABASE_URL: file });
    expect(seeded.code, seeded.stderr).toBe(0);
    const demo = json(seeded.stdout);
    expect(demo).toMatchObject({ admin_key: expect.stringMatching(/^pk_/), seller_key: expect.stringMatching(/^pk_/), buyer_id: expect.any(Number) });
    expect(demo.orders.map((o: { status: string }) => o.status)).toEqual(expect.arrayContaining(['pending', 'in_delivery', 'delivered', 'refunded']));
    const again = await cli.run(['demo'], { DATABASE_URL: file });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/not empty/);
  });
});

describe('API commands (--url, --key)', () => {
  const as = (key: string) => ['--url', parley.url, '--key', key];

  it('exit codes: 2 for usage, 3 when nothing answers, 1 with the error as JSON for an API error', async () => {
    expect((await cli.run(['orders', 'list', '--url', parley.url])).code).toBe(2);
    expect((await cli.run(['orders', 'list', '--bogus'])).code).toBe(2);
    const down = await cli.run(['orders', 'list', '--url', `http://127.0.0.1:${await reserveFreePort()}`, '--key', 'x']);
    expect([down.code, down.stderr]).toEqual([3, expect.stringMatching(/^parley: Cannot connect to http:\/\/127\.0\.0\.1:\d+: ECONNREFUSED\n$/)]);
    const missing = await cli.run(['orders', 'get', '999999', '--json', ...as(parley.adminToken)]);
    expect(missing.code).toBe(1);
    expect(json(missing.stderr).error).toMatchObject({ status: 404, request_id: expect.any(String) });
    const invalid = await cli.run(['users', 'create', 'x'.repeat(300), ...as(parley.adminToken)]);
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toMatch(/^parley: 422 The given data was invalid\.\n {2}username: /);
  });

  it('users, keys, orders and chat, as JSON and as plain tables', async () => {
    const run = async (...args: string[]) => {
      const result = await cli.run(args);
      expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(0);
      return result.stdout;
    };
    const seller = json(await run('users', 'create', `cli-seller-${process.pid}`, '--role', 'seller', '--json', ...as(parley.adminToken))).data;
    const buyer = json(await run('users', 'create', `cli-buyer-${process.pid}`, '--role', 'buyer', '--json', ...as(parley.adminToken))).data;
    const key = json(await run('keys', 'create', '--user', String(seller.id), '--json', ...as(parley.adminToken))).data;
    const game = (await admin.call('adminCreateGame', { body: { name: 'CLI', slug: `cli-${process.pid}` } })).data;
    const order = json(await run('orders', 'create', '--seller', String(seller.id), '--buyer', String(buyer.id), '--game', String(game.id),
      '--title', 'CLI order', '--price', '12.50', '--json', ...as(parley.adminToken)));
    expect(order).toMatchObject({ title: 'CLI order', status: 'pending' });

    const listed = json(await run('orders', 'list', '--status', 'pending', '--json', ...as(key.token)));
    expect(listed.data.map((o: { id: number }) => o.id)).toEqual([order.id]);
    // Not a terminal: a plain table, no colour codes.
    const table = await run('orders', 'list', ...as(key.token));
    expect(table).not.toContain('\u001b[');
    expect(table.split('\n')[0]).toMatch(/^ID\s+STATUS\s+TITLE/);
    expect(table).toMatch(new RegExp(`^${order.id}\\s+pending\\s+CLI order`, 'm'));
    expect(json(await run('orders', 'get', String(order.id), '--json', ...as(key.token))).id).toBe(order.id);
    const second = await admin.createOrder('account', { seller_id: seller.id, buyer_id: buyer.id, game_id: game.id, title: 'Second', price: '1.00' });
    const all = json(await run('orders', 'list', '--all', '--per-page', '1', '--json', ...as(key.token)));
    expect(all.map((o: { id: number }) => o.id).sort()).toEqual([order.id, second.id].sort());

    expect(json(await run('chat', 'send', String(order.id), 'Hello from the CLI', '--json', ...as(key.token))).text).toBe('Hello from the CLI');
    expect(await run('chat', 'list', String(order.id), ...as(key.token))).toMatch(/cli-seller-\d+: Hello from the CLI\n$/);
    expect(json(await run('orders', 'status', String(order.id), 'in_delivery', '--json', ...as(parley.adminToken))).status).toBe('in_delivery');

    expect(await run('keys', 'list', '--user', String(seller.id), ...as(parley.adminToken))).toMatch(new RegExp(`^${key.id}\\s+issued by parley keys create\\s+active`, 'm'));
    await run('keys', 'revoke', String(key.id), ...as(parley.adminToken));
    expect(json(await run('keys', 'list', '--user', String(seller.id), '--json', ...as(parley.adminToken))).data[0].revoked_at).toEqual(expect.any(Number));
    expect((await cli.run(['orders', 'list', ...as(key.token)])).code).toBe(1);
  });
});

describe('live commands and webhooks', () => {
  let receiver: VerifyingReceiver;
  let seller: { id: number; token: string };
  let order: { id: number };
  const as = (key: string) => ['--url', parley.url, '--key', key];
  const send = (text: string) => new Parley({ baseUrl: parley.url, token: seller.token }).sendMessage('account', order.id, text);

  beforeAll(async () => {
    receiver = await VerifyingReceiver.start();
    seller = await parley.fixtures.user('seller');
    order = await parley.fixtures.order(seller as never, await parley.fixtures.user('buyer'));
  });
  afterAll(() => receiver?.close());

  it('webhooks listen forwards each event signed as Parley signs deliveries; the receiver verifies it with the SDK', async () => {
    const child = cli.spawn(['webhooks', 'listen', '--forward-to', receiver.url('/listen'), '--events', 'order.message.created', '--count', '2', '--json', ...as(seller.token)]);
    const out = new Lines(child.stdout!);
    const ready = json(await out.waitFor(/"ready":true/));
    expect(ready.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    receiver.secrets.set('/listen', ready.secret);
    const sent = [await send('forward one'), await send('forward two')];
    expect(await exitOf(child)).toBe(0);
    const lines = out.all.slice(1).map(json);
    expect(lines.map((l) => [l.topic, l.status])).toEqual([['order.message.created', 204], ['order.message.created', 204]]);
    expect(lines[0].event_id).toMatch(/^evt_[0-9A-Z]{26}$/);
    expect(receiver.verified.get('/listen')).toEqual(sent.map((message) => ({
      event: 'order.message.created', payload: { order_kind: 'account', order_id: order.id, message },
    })));
  });

  it('webhooks listen reports a local URL that does not answer and exits 4', async () => {
    const child = cli.spawn(['webhooks', 'listen', '--forward-to', `http://127.0.0.1:${await reserveFreePort()}/hook`, '--count', '1', ...as(seller.token)]);
    const out = new Lines(child.stdout!);
    await out.waitFor(/^Ready! Your webhook signing secret is whsec_/);
    await send('nobody home');
    expect(await exitOf(child)).toBe(4);
    expect(await out.waitFor(/-->/)).toMatch(/--> order\.message\.created \[evt_\d{26}\]\s+<-- failed \(ECONNREFUSED\)/);
  });

  it('chat tail prints the last message, then new ones as they are sent', async () => {
    const before = await send('said before the tail');
    const child = cli.spawn(['chat', 'tail', String(order.id), '--history', '1', '--count', '1', ...as(seller.token)]);
    await new Lines(child.stderr!).waitFor(/^following account order/);
    const out = new Lines(child.stdout!);
    await send('said while tailing');
    expect(await exitOf(child)).toBe(0);
    expect(out.all).toEqual([
      expect.stringMatching(new RegExp(`Z \\S+: ${before.text}$`)),
      expect.stringMatching(/Z \S+: said while tailing$/),
    ]);
  });

  it('webhooks endpoints create, list, rotate, delete and trigger', async () => {
    const run = async (...args: string[]) => {
      const result = await cli.run([...args, '--json', ...as(parley.adminToken)]);
      expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(0);
      return json(result.stdout);
    };
    const created = (await run('webhooks', 'endpoints', 'create', receiver.url('/endpoint'), '--user', String(seller.id), '--events', 'order.message.created')).data;
    receiver.secrets.set('/endpoint', created.secret);
    expect((await run('webhooks', 'endpoints', 'list', '--user', String(seller.id))).data.map((e: { id: number }) => e.id)).toEqual([created.id]);

    const triggered = await cli.run(['webhooks', 'trigger', 'order.message.created', '--json', ...as(seller.token)]);
    expect(triggered.code, triggered.stderr).toBe(0);
    expect(json(triggered.stdout).data).toEqual({ topic: 'order.message.created', event_id: expect.stringMatching(/^evt_/), endpoints: 1 });
    const delivered = await waitFor(() => receiver.verified.get('/endpoint')?.[0], 10_000, 'the triggered delivery');
    expect(delivered.event).toBe('order.message.created');

    const rotated = (await run('webhooks', 'endpoints', 'rotate', String(created.id), '--grace', '0')).data;
    expect(rotated.secret).not.toBe(created.secret);
    await run('webhooks', 'endpoints', 'delete', String(created.id));
    expect((await run('webhooks', 'endpoints', 'list', '--user', String(seller.id))).data).toEqual([]);
  });
});
