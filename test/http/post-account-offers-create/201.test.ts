import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { defaultGame, OFFERS, stockBody } from '../account-offer-support/offers.js';

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley();
});
afterAll(() => parley.close());

describe('POST /v2/account-offers/create -> 201', () => {
  it('creates a draft with its stock, in the strict-client shape', async () => {
    const seller = await parley.fixtures.user('seller');
    const game = await defaultGame(parley);
    const res = await parley.api.post(`${OFFERS}/create`, await stockBody(parley, {
      credentials: ['Login: a1\nPassword: p1', 'Login: a2\nPassword: p2', 'Login: a1\nPassword: p1'],
      price: '5.990000',
    }), { token: seller.token });
    expect(res.status, res.text).toBe(201);
    const offer = res.body.data;
    expect(offer).toMatchObject({
      external_id: null,
      game: { id: game.id, name: game.name, slug: game.slug },
      account_order_ids: [],
      title: 'Stacked account',
      slug: 'stacked-account',
      description: 'Level 30, many skins',
      parameters: {},
      dump: '',
      status: 'draft',
      delivery_time: { duration: 0, unit: 'minutes', format: 'Instant', format_long: 'Instant delivery', seconds: 0 },
      is_manual_delivery: false,
      credentials: { login: null, password: null, email_login: null, email_password: null, email_provider: null },
      delivery_instructions: null,
      price: { format: '€5,99', value: 5.99, amount: 599, currency: { symbol: '€', code: 'EUR' } },
      price_usd: { format: '$6.47', value: 6.47, amount: 647, currency: { symbol: '$', code: 'USD' } },
      views: 0,
      image_urls: [],
      listed_at: null,
    });
    expect(offer.created_at).toBe(offer.updated_at);
    // The repeated credential was skipped: two units of stock.
    const creds = await parley.api.get(`${OFFERS}/${offer.id}/credentials`, { token: seller.token });
    expect(creds.status, creds.text).toBe(200);
    expect(creds.body.data.map((c: any) => c.credentials)).toEqual(['Login: a1\nPassword: p1', 'Login: a2\nPassword: p2']);
    expect(creds.body.data.every((c: any) => c.is_sold === false && c.account_order_id === null && c.account_offer_id === offer.id)).toBe(true);
  });
});
