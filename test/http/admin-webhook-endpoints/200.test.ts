import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { Receiver, waitFor } from '../../webhooks/receiver.js';
import { ALL_TOPICS, create, endpointPath, endpointsPath, GENERATED_SECRET, isNow, RESOURCE_KEYS } from './helpers.js';

let parley: TestParley;
let receiver: Receiver;
beforeAll(async () => {
  receiver = await Receiver.start();
  parley = await startTestParley({ PARLEY_WEBHOOK_POLL_MS: '25' });
});
afterAll(async () => {
  await receiver?.close();
  await parley?.close();
});

const withoutSecret = ({ secret: _secret, ...rest }: Record<string, unknown>) => rest;

async function patch(id: number, body: Record<string, unknown>): Promise<any> {
  const res = await parley.admin.patch(endpointPath(id), body);
  expect(res.status, res.text).toBe(200);
  expect(Object.keys(res.body)).toEqual(['data']);
  expect(Object.keys(res.body.data)).toEqual(RESOURCE_KEYS);
  return res.body.data;
}

describe('GET /admin/v1/users/{user}/webhook-endpoints -> 200', () => {
  it("lists the seller's endpoints, oldest first, without secrets", async () => {
    const seller = await parley.fixtures.user('seller');
    const other = await parley.fixtures.user('seller');
    const a = await create(parley, seller.id, { description: 'first' });
    const b = await create(parley, seller.id, { url: 'http://127.0.0.1:1/b', events: ALL_TOPICS });
    await create(parley, other.id);
    const res = await parley.admin.get(endpointsPath(seller.id));
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({ data: [withoutSecret(a), withoutSecret(b)] });
    expect(res.text).not.toContain('whsec_');
  });

  it('answers {data: []} for a user without endpoints (a buyer too)', async () => {
    const seller = await parley.fixtures.user('seller');
    const buyer = await parley.fixtures.user('buyer');
    for (const user of [seller, buyer]) {
      const res = await parley.admin.get(endpointsPath(user.id));
      expect(res.status, res.text).toBe(200);
      expect(res.body).toEqual({ data: [] });
    }
  });
});

describe('PATCH /admin/v1/webhook-endpoints/{endpoint} -> 200', () => {
  it('changes the url, the description and the events, one at a time, leaving the rest', async () => {
    const seller = await parley.fixtures.user('seller');
    const original = withoutSecret(await create(parley, seller.id, { description: 'old' }));

    const url = await patch(original.id as number, { url: 'https://example.net/new' });
    expect(url).toEqual({ ...original, url: 'https://example.net/new', updated_at: expect.any(Number) });
    expect(isNow(url.updated_at)).toBe(true);

    const description = await patch(url.id, { description: 'new words' });
    expect(description).toEqual({ ...url, description: 'new words', updated_at: expect.any(Number) });
    const cleared = await patch(url.id, { description: null });
    expect(cleared.description).toBeNull();

    const events = await patch(url.id, { events: ['order.status.updated', 'currency.order.purchased'] });
    expect(events).toEqual({ ...cleared, events: ['order.status.updated', 'currency.order.purchased'], updated_at: expect.any(Number) });

    // An empty body changes nothing, and the list serves what PATCH answered.
    const same = await patch(url.id, {});
    expect({ ...same, updated_at: 0 }).toEqual({ ...events, updated_at: 0 });
    const list = await parley.admin.get(endpointsPath(seller.id));
    expect(list.body.data).toEqual([same]);
  });

  it('disables an endpoint with a reason and enables it again', async () => {
    const seller = await parley.fixtures.user('seller');
    const { id } = await create(parley, seller.id);
    const off = await patch(id, { disabled: true });
    expect(off).toMatchObject({ id, disabled: true, disabled_reason: expect.any(String) });
    expect(off.disabled_reason.length).toBeGreaterThan(0);
    const listed = await parley.admin.get(endpointsPath(seller.id));
    expect(listed.body.data[0]).toMatchObject({ disabled: true, disabled_reason: off.disabled_reason });
    const on = await patch(id, { disabled: false });
    expect(on).toMatchObject({ id, disabled: false, disabled_reason: null });
  });

  it('changes several fields at once', async () => {
    const seller = await parley.fixtures.user('seller');
    const { id } = await create(parley, seller.id);
    const data = await patch(id, { url: 'http://127.0.0.1:8/x', description: 'd', events: ALL_TOPICS, disabled: true });
    expect(data).toMatchObject({ url: 'http://127.0.0.1:8/x', description: 'd', events: [...ALL_TOPICS], disabled: true });
  });
});

describe('POST /admin/v1/webhook-endpoints/{endpoint}/rotate-secret -> 200', () => {
  it('answers the endpoint with the new secret, once, and the end of the grace period', async () => {
    const seller = await parley.fixtures.user('seller');
    const created = await create(parley, seller.id);
    const res = await parley.admin.post(`${endpointPath(created.id)}/rotate-secret`, { grace_period_seconds: 120 });
    expect(res.status, res.text).toBe(200);
    expect(Object.keys(res.body.data)).toEqual([...RESOURCE_KEYS, 'secret']);
    expect(res.body.data).toEqual({
      ...created,
      secret: expect.stringMatching(GENERATED_SECRET),
      previous_secret_expires_at: expect.any(Number),
      updated_at: expect.any(Number),
    });
    expect(res.body.data.secret).not.toBe(created.secret);
    expect(Math.abs(res.body.data.previous_secret_expires_at - (Date.now() / 1000 + 120))).toBeLessThan(5);
    const list = await parley.admin.get(endpointsPath(seller.id));
    expect(list.text).not.toContain(res.body.data.secret.slice(6));
  });

  it('takes no body at all, an empty one, or a chosen secret with no grace period', async () => {
    const seller = await parley.fixtures.user('seller');
    const { id } = await create(parley, seller.id);
    const bare = await parley.admin.request('POST', `${endpointPath(id)}/rotate-secret`);
    expect(bare.status, bare.text).toBe(200);
    expect(bare.body.data.secret).toMatch(GENERATED_SECRET);
    expect(bare.body.data.previous_secret_expires_at).toBeGreaterThan(Date.now() / 1000 + 3600); // default: a day
    const empty = await parley.admin.post(`${endpointPath(id)}/rotate-secret`, {});
    expect(empty.status, empty.text).toBe(200);
    const chosen = await parley.admin.post(`${endpointPath(id)}/rotate-secret`, { secret: 'a-chosen-secret-0123', grace_period_seconds: 0 });
    expect(chosen.status, chosen.text).toBe(200);
    expect(chosen.body.data).toMatchObject({ secret: 'a-chosen-secret-0123', previous_secret_expires_at: null });
  });
});

describe('GET /admin/v1/webhook-endpoints/{endpoint}/deliveries -> 200', () => {
  it('answers an empty paginated log for an endpoint that was never called', async () => {
    const seller = await parley.fixtures.user('seller');
    const { id } = await create(parley, seller.id);
    const res = await parley.admin.get(`${endpointPath(id)}/deliveries`);
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({
      data: [],
      meta: { current_page: 1, from: null, last_page: 1, links: expect.any(Array), path: expect.any(String), per_page: 50, to: null, total: 0 },
      links: { first: expect.stringMatching(/page=1$/), last: expect.stringMatching(/page=1$/), prev: null, next: null },
    });
  });

  it('pages through the attempts, newest first', async () => {
    const seller = await parley.fixtures.user('seller');
    const path = receiver.newPath();
    const { id } = await create(parley, seller.id, { url: receiver.url(path) });
    const events: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await parley.admin.post(`${endpointPath(id)}/test`);
      expect(res.status, res.text).toBe(202);
      events.push(res.body.data.event_id);
      // One at a time, so the log's order is the order sent.
      await waitFor(async () => (await parley.admin.get(`${endpointPath(id)}/deliveries`)).body.meta.total === i + 1, 5000, `attempt ${i + 1}`);
    }

    const first = await parley.admin.get(`${endpointPath(id)}/deliveries?per_page=2`);
    expect(first.status, first.text).toBe(200);
    expect(first.body.meta).toMatchObject({ current_page: 1, from: 1, last_page: 2, per_page: 2, to: 2, total: 3 });
    expect(first.body.links).toEqual({
      first: expect.stringMatching(/deliveries\?.*page=1/),
      last: expect.stringMatching(/page=2/),
      prev: null,
      next: expect.stringMatching(/page=2/),
    });
    expect(new URL(first.body.links.next).searchParams.get('per_page')).toBe('2');
    expect(first.body.data.map((a: any) => a.event_id)).toEqual([events[2], events[1]]);
    for (const attempt of first.body.data) {
      expect(attempt).toEqual({
        id: expect.any(Number),
        event_id: expect.stringMatching(/^evt_[0-9A-Z]{26}$/),
        topic: 'webhook.test',
        attempt: 1,
        attempted_at: expect.any(Number),
        status_code: 200,
        duration_ms: expect.any(Number),
        error: null,
      });
      expect(isNow(attempt.attempted_at)).toBe(true);
    }

    const second = await parley.admin.get(`${endpointPath(id)}/deliveries?per_page=2&page=2`);
    expect(second.body.meta).toMatchObject({ current_page: 2, from: 3, last_page: 2, per_page: 2, to: 3, total: 3 });
    expect(second.body.links.prev).toMatch(/page=1/);
    expect(second.body.links.next).toBeNull();
    expect(second.body.data.map((a: any) => a.event_id)).toEqual([events[0]]);

    const past = await parley.admin.get(`${endpointPath(id)}/deliveries?per_page=2&page=9`);
    expect(past.body).toMatchObject({ data: [], meta: { current_page: 9, from: null, to: null, total: 3, last_page: 2 } });
  });
});
