import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { countEndpoints, create, endpointPath, endpointsPath, expectValidation } from './helpers.js';

let parley: TestParley;
let production: TestParley;
beforeAll(async () => {
  parley = await startTestParley();
  production = await startTestParley({ PARLEY_ENV: 'production' });
});
afterAll(async () => {
  await parley?.close();
  await production?.close();
});

const VALID = { url: 'https://example.com/hooks/parley', events: ['order.message.created'] };

const MESSAGES = {
  urlRequired: 'The url field is required.',
  notUrl: 'The url field must be a valid URL.',
  notHttp: 'The url field must be an http or https URL.',
  notHttps: 'The url field must be an https URL.',
  notPublic: 'The url field must not point to a loopback, private or link-local address.',
  eventsRequired: 'The events field is required.',
  eventsEmpty: 'The events field must have at least 1 items.',
  seller: 'Webhook endpoints belong to sellers.',
  secretShort: 'The secret field must be at least 16 characters.',
} as const;

/** Posts the body for a seller of `server`, expects exactly these errors, and checks nothing was created. */
async function expectCreateErrors(server: TestParley, body: Record<string, unknown>, errors: Record<string, string[]>, userId?: number) {
  const id = userId ?? (await server.fixtures.user('seller')).id;
  const before = countEndpoints(server);
  const res = await server.admin.post(endpointsPath(id), body);
  expectValidation(res, errors);
  expect(countEndpoints(server)).toBe(before);
}

describe('POST /admin/v1/users/{user}/webhook-endpoints -> 422', () => {
  it('requires the url', async () => {
    await expectCreateErrors(parley, { events: VALID.events }, { url: [MESSAGES.urlRequired] });
    await expectCreateErrors(parley, { url: null, events: VALID.events }, { url: [MESSAGES.urlRequired] });
  });

  it('rejects a url that is not a URL', async () => {
    await expectCreateErrors(parley, { ...VALID, url: 'not a url' }, { url: [MESSAGES.notUrl] });
    await expectCreateErrors(parley, { ...VALID, url: 'example.com/hook' }, { url: [MESSAGES.notUrl] });
  });

  it.each(['ftp://x', 'file:///etc/passwd', 'javascript:alert(1)', 'ws://example.com/x'])('rejects the non-http url %j', async (url) => {
    await expectCreateErrors(parley, { ...VALID, url }, { url: [MESSAGES.notHttp] });
  });

  it('rejects a url that is not a string', async () => {
    await expectCreateErrors(parley, { ...VALID, url: 123 }, { url: ['The url field must be a string.'] });
  });

  it('requires at least one event', async () => {
    await expectCreateErrors(parley, { url: VALID.url }, { events: [MESSAGES.eventsRequired] });
    await expectCreateErrors(parley, { ...VALID, events: [] }, { events: [MESSAGES.eventsEmpty] });
  });

  it.each(['order.dispute.closed', 'gift_card.order.purchased', 'webhook.test', 'ORDER.MESSAGE.CREATED'])('rejects the topic %j', async (topic) => {
    await expectCreateErrors(parley, { ...VALID, events: [topic] }, { 'events.0': ['The selected events.0 is invalid.'] });
  });

  it('treats an empty topic as a missing one (empty strings are null, as in Laravel)', async () => {
    await expectCreateErrors(parley, { ...VALID, events: [''] }, { 'events.0': ['The events.0 field is required.'] });
  });

  it('names the position of the unknown topic', async () => {
    await expectCreateErrors(parley, { ...VALID, events: ['order.message.created', 'order.nope'] }, { 'events.1': ['The selected events.1 is invalid.'] });
  });

  it("rejects a buyer's (or an admin's) user id: endpoints belong to sellers", async () => {
    const buyer = await parley.fixtures.user('buyer');
    await expectCreateErrors(parley, VALID, { user: [MESSAGES.seller] }, buyer.id);
    const admin = await parley.fixtures.user('admin');
    await expectCreateErrors(parley, VALID, { user: [MESSAGES.seller] }, admin.id);
  });

  it('reports a bad url and a non-seller together', async () => {
    const buyer = await parley.fixtures.user('buyer');
    await expectCreateErrors(parley, { ...VALID, url: 'ftp://x' }, { url: [MESSAGES.notHttp], user: [MESSAGES.seller] }, buyer.id);
  });

  it('rejects a secret shorter than 16 characters', async () => {
    await expectCreateErrors(parley, { ...VALID, secret: 'short-secret-15' }, { secret: [MESSAGES.secretShort] });
    await expectCreateErrors(parley, { ...VALID, secret: 12345678901234567 }, { secret: ['The secret field must be a string.'] });
  });

  it('rejects a description longer than 255 characters', async () => {
    await expectCreateErrors(parley, { ...VALID, description: 'd'.repeat(256) }, { description: ['The description field must not be greater than 255 characters.'] });
  });

  it('reports every invalid field at once', async () => {
    await expectCreateErrors(parley, { url: 'ftp://x', events: [], secret: 'short' }, {
      url: [MESSAGES.notHttp],
      events: [MESSAGES.eventsEmpty],
      secret: [MESSAGES.secretShort],
    });
  });

  describe('in production (PARLEY_ENV=production)', () => {
    it.each(['http://example.com/hook', 'http://93.184.215.14/hook'])('rejects the http url %j', async (url) => {
      await expectCreateErrors(production, { ...VALID, url }, { url: [MESSAGES.notHttps] });
    });

    it.each([
      'https://127.0.0.1/x',
      'https://localhost/x',
      'https://10.1.2.3/x',
      'https://192.168.0.10/x',
      'https://172.16.5.4/x',
      'https://169.254.169.254/latest/meta-data',
      'https://[::1]/x',
      'https://[::ffff:127.0.0.1]/x',
      'https://0.0.0.0/x',
    ])('rejects %j', async (url) => {
      await expectCreateErrors(production, { ...VALID, url }, { url: [MESSAGES.notPublic] });
    });

    it('rejects a loopback url on PATCH too', async () => {
      const seller = await production.fixtures.user('seller');
      const endpoint = await create(production, seller.id, { url: 'https://93.184.215.14/hook' });
      expectValidation(await production.admin.patch(endpointPath(endpoint.id), { url: 'https://localhost/x' }), { url: [MESSAGES.notPublic] });
      expectValidation(await production.admin.patch(endpointPath(endpoint.id), { url: 'http://93.184.215.14/hook' }), { url: [MESSAGES.notHttps] });
      const list = await production.admin.get(endpointsPath(seller.id));
      expect(list.body.data[0].url).toBe('https://93.184.215.14/hook');
    });
  });
});

describe('PATCH /admin/v1/webhook-endpoints/{endpoint} -> 422', () => {
  it('rejects a bad url, an empty or unknown events list and a non-boolean disabled, changing nothing', async () => {
    const seller = await parley.fixtures.user('seller');
    const endpoint = await create(parley, seller.id);
    const path = endpointPath(endpoint.id);
    expectValidation(await parley.admin.patch(path, { url: 'not a url' }), { url: [MESSAGES.notUrl] });
    expectValidation(await parley.admin.patch(path, { url: 'ftp://x' }), { url: [MESSAGES.notHttp] });
    expectValidation(await parley.admin.patch(path, { events: [] }), { events: [MESSAGES.eventsEmpty] });
    expectValidation(await parley.admin.patch(path, { events: ['nope'] }), { 'events.0': ['The selected events.0 is invalid.'] });
    expectValidation(await parley.admin.patch(path, { disabled: 'yes' }), { disabled: ['The disabled field must be true or false.'] });
    expectValidation(await parley.admin.patch(path, { url: 'ftp://x', events: [] }), { url: [MESSAGES.notHttp], events: [MESSAGES.eventsEmpty] });
    const list = await parley.admin.get(endpointsPath(seller.id));
    const { secret: _secret, ...unchanged } = endpoint;
    expect(list.body.data).toEqual([unchanged]);
  });
});

describe('POST /admin/v1/webhook-endpoints/{endpoint}/rotate-secret -> 422', () => {
  it('rejects a short secret and a grace period out of range, keeping the old secret', async () => {
    const seller = await parley.fixtures.user('seller');
    const endpoint = await create(parley, seller.id);
    const path = `${endpointPath(endpoint.id)}/rotate-secret`;
    expectValidation(await parley.admin.post(path, { secret: 'short' }), { secret: [MESSAGES.secretShort] });
    expectValidation(await parley.admin.post(path, { grace_period_seconds: -1 }), { grace_period_seconds: ['The grace period seconds field must be at least 0.'] });
    expectValidation(await parley.admin.post(path, { grace_period_seconds: 30 * 86400 + 1 }), {
      grace_period_seconds: ['The grace period seconds field must not be greater than 2592000.'],
    });
    expectValidation(await parley.admin.post(path, { grace_period_seconds: 1.5 }), { grace_period_seconds: ['The grace period seconds field must be an integer.'] });
    const list = await parley.admin.get(endpointsPath(seller.id));
    expect(list.body.data[0].previous_secret_expires_at).toBeNull();
  });
});
