import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestParley, type TestParley } from '../support/parley.js';
import { createEndpoint } from './helpers.js';
import {
  expectSignedDelivery,
  gameBoostHex,
  Receiver,
  standardBase64,
  verifiesHex,
  verifiesStandard,
  waitFor,
  type ReceivedRequest,
} from './receiver.js';

/** The default grace period, set through the environment so the test can tell it from the built-in day. */
const GRACE_SECONDS = 3600;

let parley: TestParley;
let receiver: Receiver;
beforeAll(async () => {
  receiver = await Receiver.start();
  parley = await startTestParley({ PARLEY_WEBHOOK_POLL_MS: '25', PARLEY_WEBHOOK_SECRET_GRACE_SECONDS: String(GRACE_SECONDS) });
});
afterAll(async () => {
  await receiver?.close();
  await parley?.close();
});

const nowSeconds = () => Math.floor(Date.now() / 1000);

async function rotate(endpointId: number, body?: Record<string, unknown>): Promise<any> {
  const res = await parley.admin.post(`/admin/v1/webhook-endpoints/${endpointId}/rotate-secret`, body);
  expect(res.status, res.text).toBe(200);
  return res.body.data;
}

/** Sends a test event to the endpoint and returns the request it arrives as. */
async function testDelivery(endpointId: number, path: string): Promise<ReceivedRequest> {
  const before = receiver.on(path).length;
  const res = await parley.admin.post(`/admin/v1/webhook-endpoints/${endpointId}/test`);
  expect(res.status, res.text).toBe(202);
  const req = await waitFor(() => receiver.on(path)[before], 5000, 'the test event');
  expect(req.headers['x-gameboost-event-id']).toBe(res.body.data.event_id);
  return req;
}

async function newEndpoint(extra: Record<string, unknown> = {}) {
  const seller = await parley.fixtures.user('seller');
  const path = receiver.newPath();
  const endpoint = await createEndpoint(parley, seller.id, receiver.url(path), ['order.message.created'], extra);
  return { seller, path, endpoint };
}

describe('secret rotation', () => {
  it('returns the new secret once and signs with both, new first, during the default grace period', async () => {
    const { seller, path, endpoint } = await newEndpoint();
    const old = endpoint.secret;
    expect(old).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);

    const rotated = await rotate(endpoint.id);
    const fresh: string = rotated.secret;
    expect(fresh).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(fresh).not.toBe(old);
    expect(rotated.id).toBe(endpoint.id);
    expect(Math.abs(rotated.previous_secret_expires_at - (nowSeconds() + GRACE_SECONDS))).toBeLessThanOrEqual(5);

    // Shown once: the list never carries it.
    const list = await parley.admin.get(`/admin/v1/users/${seller.id}/webhook-endpoints`);
    expect(list.status, list.text).toBe(200);
    expect(list.text).not.toContain(fresh.slice(6));
    expect(list.text).not.toContain(old.slice(6));
    expect(list.body.data[0]).not.toHaveProperty('secret');
    expect(list.body.data[0].previous_secret_expires_at).toBe(rotated.previous_secret_expires_at);

    const req = await testDelivery(endpoint.id, path);
    const delivery = expectSignedDelivery(req, [fresh, old], { topic: 'webhook.test' });
    const [newHex, oldHex] = (req.headers['x-gameboost-signature'] as string).split(',');
    expect(newHex).toBe(gameBoostHex(fresh, req.body));
    expect(oldHex).toBe(gameBoostHex(old, req.body));
    expect(verifiesHex(newHex!, old, req.body)).toBe(false);
    expect(req.headers.signature).toBe(newHex);
    const ts = String(delivery.timestamp);
    const [newStd, oldStd] = (req.headers['webhook-signature'] as string).split(' ');
    expect(newStd).toBe(`v1,${standardBase64(fresh, delivery.eventId, ts, req.body)}`);
    expect(oldStd).toBe(`v1,${standardBase64(old, delivery.eventId, ts, req.body)}`);
    expect(verifiesStandard(oldStd!, fresh, delivery.eventId, ts, req.body)).toBe(false);
  });

  it('signs with the new secret only when rotated with grace_period_seconds: 0', async () => {
    const { path, endpoint } = await newEndpoint();
    const rotated = await rotate(endpoint.id, { grace_period_seconds: 0 });
    expect(rotated.previous_secret_expires_at).toBeNull();
    const req = await testDelivery(endpoint.id, path);
    expectSignedDelivery(req, [rotated.secret]);
    expect(req.headers['x-gameboost-signature']).not.toContain(',');
    expect(req.headers['webhook-signature']).not.toContain(' ');
    expect(verifiesHex(req.headers.signature as string, endpoint.secret, req.body)).toBe(false);
  });

  it('stops signing with the old secret once the grace period is over', async () => {
    const { path, endpoint } = await newEndpoint();
    // Two seconds, so the first delivery surely falls inside the grace period whatever the sub-second clock.
    const rotated = await rotate(endpoint.id, { grace_period_seconds: 2 });
    expect(rotated.previous_secret_expires_at).toBeGreaterThan(nowSeconds() - 1);
    expectSignedDelivery(await testDelivery(endpoint.id, path), [rotated.secret, endpoint.secret]);
    // Wait (polling the clock, not the server) until the expiry second has passed.
    await waitFor(() => nowSeconds() > rotated.previous_secret_expires_at, 4000, 'the end of the grace period', 50);
    expectSignedDelivery(await testDelivery(endpoint.id, path), [rotated.secret]);
  });

  it('signs with a caller-chosen secret given at creation, as its UTF-8 bytes', async () => {
    const secret = 'my-n8n-shared-secret-123';
    const { seller, path, endpoint } = await newEndpoint({ secret });
    expect(endpoint.secret).toBe(secret);
    const req = await testDelivery(endpoint.id, path);
    const delivery = expectSignedDelivery(req, [secret]);
    expect(req.headers.signature).toBe(gameBoostHex(secret, req.body));
    expect(req.headers['webhook-signature']).toBe(`v1,${standardBase64(secret, delivery.eventId, String(delivery.timestamp), req.body)}`);

    // A real event too, not only the test one.
    const buyer = await parley.fixtures.user('buyer');
    const order = await parley.fixtures.order(seller, buyer);
    const sent = await parley.api.post(`/v2/account-orders/${order.id}/messages`, { message: 'n8n?' }, { token: seller.token });
    expect(sent.status, sent.text).toBe(200);
    const msg = await waitFor(() => receiver.on(path)[1], 5000, 'the message event');
    expect(expectSignedDelivery(msg, [secret], { topic: 'order.message.created' }).payload.message).toEqual(sent.body.data);
  });

  it('rotates to a caller-chosen secret, keeping the generated one during the grace period', async () => {
    const { path, endpoint } = await newEndpoint();
    const chosen = 'rotated-shared-secret-456';
    const rotated = await rotate(endpoint.id, { secret: chosen, grace_period_seconds: 60 });
    expect(rotated.secret).toBe(chosen);
    expect(Math.abs(rotated.previous_secret_expires_at - (nowSeconds() + 60))).toBeLessThanOrEqual(5);
    expectSignedDelivery(await testDelivery(endpoint.id, path), [chosen, endpoint.secret]);
  });
});
