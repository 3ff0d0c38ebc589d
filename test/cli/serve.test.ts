import { afterEach, describe, expect, it } from 'vitest';
import { tempDbFile } from '../support/parley.js';
import { printedCurl } from '../support/printed-curl.js';
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
    const path = new URL(printedCurl(banner, 'Send a message as the seller:').url).pathname;
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

  it('seeds listed demo offers and purchased demo orders, and prints a purchase curl that works', async () => {
    server = await spawnParley({ DATABASE_URL: tempDbFile() });
    const banner = server.output();
    const sellerKey = /Demo seller key \(shown once\): (\S+)/.exec(banner)![1]!;
    const buyerId = Number(/demo buyer id: (\d+)/.exec(banner)![1]);
    const offerIds = {
      account: Number(/account offer #(\d+): .*\(new format, instant delivery, 3 credentials in stock\)/.exec(banner)?.[1]),
      item: Number(/item offer #(\d+): .*\(24 in stock\)/.exec(banner)?.[1]),
      currency: Number(/currency offer #(\d+): .*\(49,800,000 in stock, at least 100,000 a purchase\)/.exec(banner)?.[1]),
    };
    const purchased = /Purchased by the demo buyer: account order #(\d+), item order #(\d+), currency order #(\d+)/.exec(banner);
    expect(purchased, banner).not.toBeNull();
    const orderIds = { account: Number(purchased![1]), item: Number(purchased![2]), currency: Number(purchased![3]) };
    const api = await clientFor(server.url);
    const seller = api.withToken(sellerKey);

    // The demo offers, through the public API with the demo seller's key.
    for (const kind of ['account', 'item', 'currency'] as const) {
      const res = await seller.get(`/v2/${kind}-offers`);
      expect(res.status, res.text).toBe(200);
      expect(res.body.data.map((o: any) => [o.id, o.status]), `${kind} offers`).toEqual([[offerIds[kind], 'listed']]);
    }
    expect((await seller.get('/v2/item-offers')).body.data[0]).toMatchObject({ title: 'Blox Fruits | Permanent Dragon fruit', stock: 24 });
    expect((await seller.get('/v2/currency-offers')).body.data[0]).toMatchObject({ title: 'World of Warcraft Gold', stock: 49_800_000, min_quantity: 100_000 });
    const stock = await seller.get(`/v2/account-offers/${offerIds.account}/credentials?filter[is_sold]=false`);
    expect(stock.body.data).toHaveLength(3);

    // The purchased demo orders are listed with the offers they came from.
    const accountOrders = (await seller.get('/v2/account-orders')).body.data as any[];
    expect(accountOrders.filter((o) => o.account_offer_id === offerIds.account).map((o) => [o.id, o.status])).toEqual([[orderIds.account, 'in_delivery']]);
    expect((await seller.get('/v2/item-orders')).body.data.map((o: any) => [o.id, o.item_offer_id, o.quantity])).toEqual([[orderIds.item, offerIds.item, 1]]);
    expect((await seller.get('/v2/currency-orders')).body.data.map((o: any) => [o.id, o.currency_offer_id, o.status])).toEqual([[orderIds.currency, offerIds.currency, 'pending']]);

    // The banner's purchase curl, sent as printed: a second account order from the demo offer.
    const { url, init } = printedCurl(banner, 'Buy the demo account offer as the demo buyer');
    expect(new URL(url).pathname).toBe(`/admin/v1/account-offers/${offerIds.account}/purchases`);
    expect(JSON.parse(String(init.body))).toEqual({ buyer_id: buyerId });
    const res = await fetch(url, init);
    const body = (await res.json()) as any;
    expect(res.status, JSON.stringify(body)).toBe(201);
    expect(body.data).toMatchObject({ account_offer_id: offerIds.account, status: 'in_delivery' });
    expect(body.data.credentials).toContain('demo-euw-plat-2');
    expect((await seller.get(`/v2/account-offers/${offerIds.account}/credentials?filter[is_sold]=false`)).body.data).toHaveLength(2);
  });

  it('refuses a bad configuration with a clear message and exit code 2', async () => {
    await expect(spawnParley({ DATABASE_URL: tempDbFile(), PARLEY_RATE_LIMIT_CHAT: 'lots' })).rejects.toThrow(
      /exited with 2[\s\S]*PARLEY_RATE_LIMIT_CHAT must be a whole number/,
    );
  });
});
