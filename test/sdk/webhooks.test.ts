import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Parley, verifyWebhook, WebhookVerificationError } from '../../sdk/src/index.js';
import { startTestParley, type TestParley } from '../support/parley.js';
import { Receiver, waitFor, type ReceivedRequest } from '../webhooks/receiver.js';

/** verifyWebhook on real deliveries of the started server, caught by a local receiver. */
let parley: TestParley;
let receiver: Receiver;
let admin: Parley;
let seller: { id: number; token: string };
let order: { id: number };
beforeAll(async () => {
  receiver = await Receiver.start();
  parley = await startTestParley();
  admin = new Parley({ baseUrl: parley.url, token: parley.adminToken });
  seller = await parley.fixtures.user('seller');
  order = await parley.fixtures.order(seller as never, await parley.fixtures.user('buyer'));
});
afterAll(async () => {
  await receiver.close();
  await parley.close();
});

async function endpoint(secret?: string) {
  const path = receiver.newPath();
  const created = await admin.call('adminCreateWebhookEndpoint', {
    path: { user: seller.id },
    body: { url: receiver.url(path), events: ['order.message.created'], ...(secret ? { secret } : {}) },
  });
  return { id: created.data.id, secret: created.data.secret, path };
}

/** Sends a message and answers the delivery of its event to `path`. */
async function delivery(path: string, text: string): Promise<ReceivedRequest> {
  await new Parley({ baseUrl: parley.url, token: seller.token }).sendMessage('account', order.id, text);
  return waitFor(() => receiver.on(path).find((r) => r.body.includes(JSON.stringify(text))), 10_000, 'the delivery');
}

const throwsVerification = (fn: () => unknown) => expect(fn).toThrow(WebhookVerificationError);

describe('verifyWebhook', () => {
  it('accepts a real delivery (Standard Webhooks headers) and answers its body; refuses a changed body or another secret', async () => {
    const { secret, path } = await endpoint();
    const req = await delivery(path, 'verify me');
    const event = verifyWebhook(req.body, req.headers, secret);
    expect(event.event).toBe('order.message.created');
    expect(event).toEqual(JSON.parse(req.body));
    expect((event.payload as { message: { text: string } }).message.text).toBe('verify me');
    // Headers as a fetch Headers object, and the body as bytes, work too.
    const headers = new Headers(Object.entries(req.headers).map(([k, v]): [string, string] => [k, String(v)]));
    expect(verifyWebhook(Buffer.from(req.body), headers, secret)).toEqual(event);

    throwsVerification(() => verifyWebhook(req.body.replace('verify me', 'verify you'), req.headers, secret));
    throwsVerification(() => verifyWebhook(req.body, req.headers, 'whsec_' + Buffer.from('another secret at all!').toString('base64')));
    throwsVerification(() => verifyWebhook(req.body, req.headers, secret, { now: Number(req.headers['webhook-timestamp']) + 3600 }));
  });

  it('checks the GameBoost Signature header when the Standard Webhooks ones are absent', async () => {
    const { secret, path } = await endpoint('a plain gameboost style secret');
    const req = await delivery(path, 'gameboost style');
    const { 'webhook-signature': _s, 'webhook-id': _i, 'webhook-timestamp': _t, ...gameBoost } = req.headers;
    expect(verifyWebhook(req.body, gameBoost, secret).event).toBe('order.message.created');
    throwsVerification(() => verifyWebhook(req.body, gameBoost, 'not it'));
    throwsVerification(() => verifyWebhook(req.body, {}, secret));
  });

  it('during a rotation, verifies with the old secret or the new one', async () => {
    const { id, secret: old, path } = await endpoint();
    const rotated = await admin.call('adminRotateWebhookSecret', { path: { endpoint: id }, body: { grace_period_seconds: 3600 } });
    const req = await delivery(path, 'rotating');
    expect(verifyWebhook(req.body, req.headers, old).event).toBe('order.message.created');
    expect(verifyWebhook(req.body, req.headers, rotated.data.secret).event).toBe('order.message.created');
    expect(verifyWebhook(req.body, req.headers, ['unrelated', old]).event).toBe('order.message.created');
  });
});
