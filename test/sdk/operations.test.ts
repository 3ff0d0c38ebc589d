import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Parley, ServerSentEvent, StreamOptions } from '../../sdk/src/index.js';
import { startTestParley, type TestParley } from '../support/parley.js';
import { SdkHarness, unique } from './support.js';

/**
 * Every operation of the served document through the SDK's `call(operationId, ...)`, each with
 * the smallest call that succeeds; the last test fails for any operation none of them reached,
 * so a new route without SDK coverage fails here.
 */
let parley: TestParley;
let sdk: SdkHarness;
let admin: Parley;
let seller: Parley;
let sellerId: number;
let buyerId: number;
let gameId: number;
let gameSlug: string;

beforeAll(async () => {
  parley = await startTestParley();
  sdk = new SdkHarness(parley);
  admin = sdk.admin;
});
afterAll(() => parley.close());

/** Waits until the server has accepted a stream, then closes it. */
async function opened(make: (options: StreamOptions) => AsyncGenerator<ServerSentEvent>): Promise<void> {
  const stop = new AbortController();
  let ready!: () => void;
  const open = new Promise<void>((resolve) => (ready = resolve));
  const stream = make({ onOpen: () => ready(), signal: stop.signal });
  const first = stream.next();
  await Promise.race([open, first]);
  stop.abort();
  await first;
}

describe('the SDK against the started server', () => {
  it('reaches the operations endpoints: health and the document', async () => {
    expect(await admin.call('getHealth')).toEqual({ status: 'ok' });
    const document = (await admin.call('getOpenApiDocument')) as unknown as { openapi: string };
    expect(document.openapi).toMatch(/^3\.1/);
  });

  it('creates users, issues and revokes API keys', async () => {
    const created = await admin.call('adminCreateUser', { body: { username: unique('sdk-seller'), role: 'seller' } });
    sellerId = created.data.id;
    const key = await admin.call('adminCreateApiKey', { path: { user: sellerId }, body: { name: 'sdk' } });
    seller = sdk.client(key.data.token);
    buyerId = (await admin.call('adminCreateUser', { body: { username: unique('sdk-buyer'), role: 'buyer' } })).data.id;
    const spare = await admin.call('adminCreateApiKey', { path: { user: sellerId }, body: { name: 'spare' } });
    expect(await admin.call('adminRevokeApiKey', { path: { key: spare.data.id } })).toBeUndefined();
    const keys = await admin.call('adminListApiKeys', { path: { user: sellerId } });
    expect(keys.data.map((k) => [k.name, k.revoked_at === null])).toEqual([['sdk', true], ['spare', false]]);
  });

  it('creates games and templates and reads the catalogue', async () => {
    gameSlug = unique('sdk-game');
    const game = await admin.call('adminCreateGame', { body: { name: 'SDK Game', slug: gameSlug } });
    gameId = game.data.id;
    const templates = {
      accounts: { title: 'Sample', price: 9.99, login: 'l', password: 'p', account_data: {} },
      items: { title: 'Sample item', price: 1.5, stock: 10, min_quantity: 1, item_data: {} },
      currencies: { price: 0.01, currency: 'gold', stock: 1000, min_quantity: 10, currency_data: {} },
    };
    for (const [service, template] of Object.entries(templates)) {
      await admin.call('adminPutGameTemplate', { path: { game: gameSlug, service }, body: { template } });
    }
    expect((await seller.call('listGames')).data.some((g) => g.slug === gameSlug)).toBe(true);
    expect((await seller.call('getGame', { path: { game: gameSlug } })).data.id).toBe(gameId);
    await seller.call('getAccountOfferTemplate', { path: { game: gameSlug } });
    await seller.call('getItemOfferTemplate', { path: { game: gameSlug } });
    await seller.call('getCurrencyOfferTemplate', { path: { game: gameSlug } });
  });

  it('creates orders of each kind and works their threads', async () => {
    const base = { game_id: gameId, seller_id: sellerId, buyer_id: buyerId };
    const account = (await admin.call('adminCreateAccountOrder', { body: { ...base, title: 'Acc', price: '10.00' } })).data;
    const item = (await admin.call('adminCreateItemOrder', { body: { ...base, title: 'Item', price_eur: '2.00', quantity: 1 } })).data;
    const currency = (await admin.call('adminCreateCurrencyOrder', { body: { ...base, title: 'Gold', price_eur: '3.00', quantity: 1000 } })).data;

    expect((await seller.call('listAccountOrders')).data.map((o) => o.id)).toContain(account.id);
    await seller.call('listItemOrders');
    await seller.call('listCurrencyOrders');
    await seller.call('getAccountOrder', { path: { accountOrder: account.id } });
    await seller.call('getItemOrder', { path: { itemOrder: item.id } });
    await seller.call('getCurrencyOrder', { path: { currencyOrder: currency.id } });

    const sent = await seller.call('sendAccountOrderMessage', { path: { accountOrder: account.id }, body: { message: 'Hello' } });
    expect(sent.data.text).toBe('Hello');
    await seller.call('sendItemOrderMessage', { path: { itemOrder: item.id }, body: { message: 'Hi' } });
    await seller.call('sendCurrencyOrderMessage', { path: { currencyOrder: currency.id }, body: { message: 'Hi' } });
    const thread = await seller.call('listAccountOrderMessages', { path: { accountOrder: account.id } });
    expect(thread.data.at(-1)?.text).toBe('Hello');
    await seller.call('listItemOrderMessages', { path: { itemOrder: item.id } });
    await seller.call('listCurrencyOrderMessages', { path: { currencyOrder: currency.id } });

    await seller.call('updateAccountOrderCredentials', { path: { accountOrder: account.id }, body: { credentials: 'login: a' } });
    await seller.call('completeItemOrder', { path: { itemOrder: item.id } });
    await seller.call('completeCurrencyOrder', { path: { currencyOrder: currency.id } });
    const moved = await admin.call('adminUpdateAccountOrder', { path: { accountOrder: account.id }, body: { status: 'in_delivery' } });
    expect(moved.data.status).toBe('in_delivery');
    await admin.call('adminUpdateItemOrder', { path: { itemOrder: item.id }, body: { is_disputed: true } });
    await admin.call('adminUpdateCurrencyOrder', { path: { currencyOrder: currency.id }, body: { is_disputed: true } });
  });

  it('creates, changes, lists and sells item and currency offers', async () => {
    const delivery_time = { duration: 1, unit: 'hours' as const };
    const item = (await seller.call('createItemOffer', { body: { game_id: gameId, title: 'Sword', description: 'Sharp', price: 2.5, stock: 10, delivery_time } })).data;
    const currency = (await seller.call('createCurrencyOffer', { body: { game_id: gameId, description: 'Gold', price: '0.015', stock: 100000, min_quantity: 1000, delivery_time } })).data;
    await seller.call('getItemOffer', { path: { itemOffer: item.id } });
    await seller.call('getCurrencyOffer', { path: { currencyOffer: currency.id } });
    await seller.call('updateItemOffer', { path: { itemOffer: item.id }, body: { stock: 5 } });
    await seller.call('updateCurrencyOffer', { path: { currencyOffer: currency.id }, body: { stock: 50000 } });
    await seller.call('listItemOfferForSale', { path: { itemOffer: item.id } });
    await seller.call('listCurrencyOfferForSale', { path: { currencyOffer: currency.id } });
    await admin.call('adminPurchaseItemOffer', { path: { itemOffer: item.id }, body: { buyer_id: buyerId, quantity: 1 } });
    await admin.call('adminPurchaseCurrencyOffer', { path: { currencyOffer: currency.id }, body: { buyer_id: buyerId, quantity: 1000 } });
    expect((await seller.call('listItemOfferOrders', { path: { itemOffer: item.id } })).data).toHaveLength(1);
    await seller.call('listCurrencyOfferOrders', { path: { currencyOffer: currency.id } });
    await seller.call('listItemOffers');
    await seller.call('listCurrencyOffers');
    await seller.call('draftItemOffer', { path: { itemOffer: item.id } });
    await seller.call('draftCurrencyOffer', { path: { currencyOffer: currency.id } });
    await seller.call('archiveItemOffer', { path: { itemOffer: item.id } });
    await seller.call('archiveCurrencyOffer', { path: { currencyOffer: currency.id } });
  });

  it('works account offers and their credentials stock', async () => {
    const legacy = (await seller.call('createLegacyAccountOffer', { body: { game_id: gameId, title: 'Legacy', description: 'One', price: '12.50', login: 'smurf', password: 'hunter2' } })).data;
    const stock = (await seller.call('createAccountOffer', { body: { game_id: gameId, title: 'Stock', description: 'Many', price: 5.99, credentials: ['a', 'b', 'c', 'd'] } })).data;
    await seller.call('getAccountOffer', { path: { account: stock.id } });
    await seller.call('updateAccountOffer', { path: { account: stock.id }, body: { title: 'Renamed' } });
    await seller.call('publishAccountOffer', { path: { account: stock.id } });
    await admin.call('adminPurchaseAccountOffer', { path: { account: stock.id }, body: { buyer_id: buyerId } });
    await seller.call('listAccountOffers');
    const credentials = await seller.call('listAccountOfferCredentials', { path: { account: stock.id }, query: { 'filter[is_sold]': 'false' } });
    const [first, second] = (credentials as { data: { id: number }[] }).data;
    await seller.call('addAccountOfferCredentials', { path: { account: stock.id }, body: { credentials: ['e'] } });
    await seller.call('updateAccountOfferCredential', { path: { account: stock.id, credential: first!.id }, body: { credentials: 'a2' } });
    await seller.call('deleteAccountOfferCredential', { path: { account: stock.id, credential: first!.id } });
    await seller.call('bulkDeleteAccountOfferCredentials', { path: { account: stock.id }, body: { credentials_ids: [second!.id] } });
    await seller.call('draftAccountOffer', { path: { account: stock.id } });
    await seller.call('duplicateAccountOffer', { path: { account: stock.id } });
    await seller.call('deleteAccountOffer', { path: { account: legacy.id } });
  });

  it('manages webhook endpoints, tests, replays and the delivery log', async () => {
    const endpoint = (await admin.call('adminCreateWebhookEndpoint', {
      path: { user: sellerId },
      body: { url: 'http://127.0.0.1:9/hook', events: ['order.message.created'] },
    })).data;
    expect(endpoint.secret).toMatch(/\S/);
    expect((await admin.call('adminListWebhookEndpoints', { path: { user: sellerId } })).data).toHaveLength(1);
    await admin.call('adminUpdateWebhookEndpoint', { path: { endpoint: endpoint.id }, body: { description: 'SDK' } });
    const test = await admin.call('adminSendWebhookTest', { path: { endpoint: endpoint.id } });
    await admin.call('adminReplayWebhookEvent', { path: { event: test.data.event_id } });
    await admin.call('adminListWebhookAttempts', { path: { endpoint: endpoint.id } });
    await admin.call('adminRotateWebhookSecret', { path: { endpoint: endpoint.id }, body: {} });
    await admin.call('adminDeleteWebhookEndpoint', { path: { endpoint: endpoint.id } });
  });

  it('opens the live streams (with a key and with a stream token) and triggers sample events', async () => {
    const order = (await seller.call('listAccountOrders')).data[0]!;
    const token = (await seller.call('createStreamToken', { body: {} })).data.token;
    const anonymous = sdk.client(null);
    const item = (await seller.call('listItemOrders')).data[0]!.id;
    const currency = (await seller.call('listCurrencyOrders')).data[0]!.id;
    await opened((options) => seller.streamMessages('account', order.id, options));
    await opened((options) => seller.streamMessages('item', item, options));
    await opened((options) => seller.streamMessages('currency', currency, options));
    await opened((options) => anonymous.stream(`/v2/events/stream?stream_token=${encodeURIComponent(token)}`, options));
    const triggered = await seller.call('triggerWebhookEvent', { body: { topic: 'order.message.created' } });
    expect(triggered.data).toEqual({ topic: 'order.message.created', event_id: null, endpoints: 0 });
  });

  it('works dispute cases from both sides', async () => {
    const base = { game_id: gameId, seller_id: sellerId, buyer_id: buyerId };
    const delivered = async (kind: 'Account' | 'Item' | 'Currency') => {
      const body = kind === 'Account' ? { ...base, title: 'D', price: '5.00' } : { ...base, title: 'D', price_eur: '5.00', quantity: 1 };
      const created = await admin.call(`adminCreate${kind}Order`, { body } as never) as { data: { id: number } };
      const param = `${kind.toLowerCase()}Order`;
      for (const status of ['in_delivery', 'delivered'] as const) {
        await admin.call(`adminUpdate${kind}Order`, { path: { [param]: created.data.id }, body: { status } });
      }
      return created.data.id;
    };
    const open = { explanation: 'Not as described.', preferred_resolution: 'refund' as const };
    const countered = (await admin.call('adminOpenAccountOrderDispute', { path: { accountOrder: await delivered('Account') }, body: { ...open, reason: 'account_not_as_described' } })).data;
    const escalated = (await admin.call('adminOpenItemOrderDispute', { path: { itemOrder: await delivered('Item') }, body: { ...open, reason: 'item_not_received' } })).data;
    const accepted = (await admin.call('adminOpenCurrencyOrderDispute', { path: { currencyOrder: await delivered('Currency') }, body: { ...open, reason: 'wrong_amount' } })).data;
    const counter = { message: 'A replacement?', counter_resolution: 'replacement' as const };
    await seller.call('counterOrderDispute', { path: { orderDisputeCase: countered.id }, body: counter });
    await admin.call('adminBuyerReplyOrderDispute', { path: { orderDisputeCase: countered.id }, body: { message: 'No.' } });
    await seller.call('counterOrderDispute', { path: { orderDisputeCase: countered.id }, body: counter });
    await admin.call('adminBuyerAcceptOrderDispute', { path: { orderDisputeCase: countered.id }, body: { message: 'Fine.' } });
    await seller.call('counterOrderDispute', { path: { orderDisputeCase: escalated.id }, body: counter });
    await admin.call('adminBuyerEscalateOrderDispute', { path: { orderDisputeCase: escalated.id }, body: { message: 'Review, please.' } });
    await admin.call('adminResolveOrderDispute', { path: { orderDisputeCase: escalated.id }, body: { outcome: 'rejected', message: 'Delivered as listed.' } });
    await seller.call('acceptOrderDispute', { path: { orderDisputeCase: accepted.id }, body: {} });
    const fourth = (await admin.call('adminOpenAccountOrderDispute', { path: { accountOrder: await delivered('Account') }, body: { ...open, reason: 'account_not_as_described' } })).data;
    await seller.call('escalateOrderDispute', { path: { orderDisputeCase: fourth.id }, body: { message: 'Please look.' } });
    expect((await seller.call('listOrderDisputes')).data.length).toBeGreaterThanOrEqual(4);
    expect((await seller.call('getOrderDispute', { path: { orderDisputeCase: countered.id } })).data.status).toBe('closed');
  });

  it("reads an order's webhook deliveries, scripts buyers and moves the sandbox clock", async () => {
    for (const kind of ['Account', 'Item', 'Currency'] as const) {
      const list = await admin.call(`list${kind}Orders`) as { data: { id: number }[] };
      const path = { [`${kind.toLowerCase()}Order`]: list.data[0]!.id };
      await admin.call(`adminList${kind}OrderWebhookDeliveries`, { path });
      await admin.call(`sandboxPut${kind}OrderBuyerScript`, { path, body: { script: [] } });
      await admin.call(`sandboxGet${kind}OrderBuyerScript`, { path });
    }
    const before = (await admin.call('sandboxGetClock')).data;
    await admin.call('sandboxAdvanceClock', { body: { seconds: 1 } });
    await admin.call('sandboxResetClock');
    expect(before).toBeDefined();
  });

  it('has exercised every operation of the served document', async () => {
    const missing = (await sdk.servedOperationIds()).filter((id) => !sdk.covered.has(id));
    expect(missing, `operations without an SDK call in test/sdk/: ${missing.join(', ')}`).toEqual([]);
  });
});
