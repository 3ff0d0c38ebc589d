import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { ALL_TOPICS, countEndpoints, create, endpointsPath, GENERATED_SECRET, isNow, RESOURCE_KEYS } from './helpers.js';

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

describe('POST /admin/v1/users/{user}/webhook-endpoints -> 201', () => {
  it('answers the endpoint and a generated whsec_ secret, shown once', async () => {
    const seller = await parley.fixtures.user('seller');
    const before = countEndpoints(parley);
    const res = await parley.admin.post(endpointsPath(seller.id), { url: 'https://example.com/hooks/parley', events: ['order.message.created'] });
    expect(res.status, res.text).toBe(201);
    expect(Object.keys(res.body)).toEqual(['data']);
    const data = res.body.data;
    expect(Object.keys(data)).toEqual([...RESOURCE_KEYS, 'secret']);
    expect(data).toEqual({
      id: expect.any(Number),
      user_id: seller.id,
      url: 'https://example.com/hooks/parley',
      description: null,
      events: ['order.message.created'],
      disabled: false,
      disabled_reason: null,
      previous_secret_expires_at: null,
      created_at: expect.any(Number),
      updated_at: expect.any(Number),
      secret: expect.stringMatching(GENERATED_SECRET),
    });
    expect(isNow(data.created_at)).toBe(true);
    expect(data.updated_at).toBe(data.created_at);
    expect(Buffer.from(data.secret.slice(6), 'base64')).toHaveLength(32);
    expect(countEndpoints(parley)).toBe(before + 1);

    // Not in the list, and not stored in the clear.
    const list = await parley.admin.get(endpointsPath(seller.id));
    expect(list.status, list.text).toBe(200);
    const { secret, ...resource } = data;
    expect(list.body).toEqual({ data: [resource] });
    expect(list.text).not.toContain(secret.slice(6));
    const stored = parley.readDb((db) => db.prepare('select secret from webhook_endpoints where id = ?').get(data.id)) as { secret: string };
    expect(stored.secret).not.toContain(secret.slice(6));
  });

  it('generates a different secret for every endpoint', async () => {
    const seller = await parley.fixtures.user('seller');
    const a = await create(parley, seller.id);
    const b = await create(parley, seller.id);
    expect(a.secret).not.toBe(b.secret);
    expect(b.id).toBeGreaterThan(a.id);
  });

  it('stores the description, every topic, and a caller-chosen secret as given', async () => {
    const seller = await parley.fixtures.user('seller');
    const data = await create(parley, seller.id, {
      url: 'https://hooks.example.org/n8n/webhook/abc?x=1',
      description: 'n8n workflow',
      events: ALL_TOPICS,
      secret: 'my-n8n-shared-secret-123',
    });
    expect(data).toMatchObject({
      user_id: seller.id,
      url: 'https://hooks.example.org/n8n/webhook/abc?x=1',
      description: 'n8n workflow',
      events: [...ALL_TOPICS],
      disabled: false,
      secret: 'my-n8n-shared-secret-123',
    });
  });

  it('generates the secret when it is sent as null, and drops repeated topics', async () => {
    const seller = await parley.fixtures.user('seller');
    const data = await create(parley, seller.id, { secret: null, description: null, events: ['order.status.updated', 'order.status.updated', 'item.order.purchased'] });
    expect(data.secret).toMatch(GENERATED_SECRET);
    expect(data.description).toBeNull();
    expect(data.events).toEqual(['order.status.updated', 'item.order.purchased']);
  });

  it('takes http and loopback URLs in the sandbox (the default PARLEY_ENV)', async () => {
    const seller = await parley.fixtures.user('seller');
    for (const url of ['http://127.0.0.1:9999/hook', 'http://localhost/hook', 'https://192.168.1.20/hook']) {
      expect((await create(parley, seller.id, { url })).url).toBe(url);
    }
  });

  it('takes an https URL on a public address in production', async () => {
    const seller = await production.fixtures.user('seller');
    const res = await production.admin.post(endpointsPath(seller.id), { url: 'https://93.184.215.14/hook', events: ['order.status.updated'] });
    expect(res.status, res.text).toBe(201);
    expect(res.body.data).toMatchObject({ url: 'https://93.184.215.14/hook', events: ['order.status.updated'], secret: expect.stringMatching(GENERATED_SECRET) });
  });
});
