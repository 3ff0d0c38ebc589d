import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { printStartBanner } from '../../src/cli/start-banner.js';
import { loadConfig } from '../../src/config.js';
import { startTestParley, type TestParley } from '../support/parley.js';
import { printedCurl } from '../support/printed-curl.js';

/**
 * The first-start demo's offers and the orders purchased from them, in process, with a configured
 * PARLEY_ADMIN_TOKEN (the harness sets one): the banner's purchase curl reads it from the shell.
 */
let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley({ PARLEY_SEED_DEMO: 'true' });
});
afterAll(() => parley.close());

const demo = () => parley.running.firstStart!.demo!;

function banner(): string {
  const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  try {
    printStartBanner(parley.running, loadConfig({ DATABASE_URL: ':memory:', PARLEY_ADMIN_TOKEN: parley.adminToken }));
    return write.mock.calls.map((c) => String(c[0])).join('');
  } finally {
    write.mockRestore();
  }
}

describe('the first-start demo with PARLEY_ADMIN_TOKEN set', () => {
  it('prints a purchase curl that uses $PARLEY_ADMIN_TOKEN without printing it, and that works', async () => {
    const printed = banner();
    expect(parley.running.firstStart!.adminToken).toBeNull();
    expect(printed).not.toContain(parley.adminToken);
    expect(printed).toContain('with your PARLEY_ADMIN_TOKEN');
    expect(() => printedCurl(printed, 'Buy the demo account offer')).toThrow(/needs \$PARLEY_ADMIN_TOKEN/);
    const { url, init } = printedCurl(printed, 'Buy the demo account offer', { PARLEY_ADMIN_TOKEN: parley.adminToken });
    const res = await fetch(url, init);
    const body = (await res.json()) as any;
    expect(res.status, JSON.stringify(body)).toBe(201);
    expect(body.data).toMatchObject({ account_offer_id: demo().offers.account.id, status: 'in_delivery', buyer: { id: demo().buyerId } });
  });

  it('each purchased demo order opens its thread with the purchase system message', async () => {
    const { accountOrder, itemOrder, currencyOrder, sellerToken } = demo();
    const cases = [
      ['account', accountOrder.id, /^Order placed: the buyer purchased "EUW \| Platinum II \| 80 champions \| Hand leveled"\. The account credentials were delivered instantly\.$/],
      ['item', itemOrder.id, /^demo-buyer purchased 1 × Blox Fruits \| Permanent Dragon fruit\.$/],
      ['currency', currencyOrder.id, /^demo-buyer purchased 200000 × World of Warcraft Gold\.$/],
    ] as const;
    for (const [kind, id, text] of cases) {
      const res = await parley.api.get(`/v2/${kind}-orders/${id}/messages`, { token: sellerToken });
      expect(res.status, res.text).toBe(200);
      expect(res.body.data[0], kind).toMatchObject({ type: 'system_message', text: expect.stringMatching(text) });
    }
  });

  it('only the purchased account order names the demo account offer; the offer lists it', async () => {
    const { offers, accountOrder, sellerToken } = demo();
    const res = await parley.api.get(`/v2/account-orders?filter[account_offer_id]=${offers.account.id}`, { token: sellerToken });
    expect(res.status, res.text).toBe(200);
    // The first test bought one more.
    expect(res.body.data.map((o: any) => o.id)).toContain(accountOrder.id);
    expect(res.body.data.every((o: any) => o.account_offer_id === offers.account.id && o.status === 'in_delivery')).toBe(true);
    const offer = await parley.api.get(`/v2/account-offers/${offers.account.id}`, { token: sellerToken });
    expect(offer.body.data.account_order_ids).toEqual(res.body.data.map((o: any) => o.id).sort((a: number, b: number) => a - b));
    for (const kind of ['item', 'currency'] as const) {
      const orders = await parley.api.get(`/v2/${kind}-offers/${offers[kind].id}/orders`, { token: sellerToken });
      expect(orders.status, orders.text).toBe(200);
      expect(orders.body.data.map((o: any) => o.id), kind).toEqual([demo()[`${kind}Order`].id]);
    }
  });
});
