import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestParley, tempDbFile, type TestParley } from '../support/parley.js';
import { createEndpoint, deliveryLog, sendMessage } from '../webhooks/helpers.js';
import { Receiver, waitFor } from '../webhooks/receiver.js';

/**
 * Endpoints registered under sandbox rules on literal loopback addresses (three spellings of
 * 127.0.0.1), then the same database served with PARLEY_ENV=production: nothing reaches the
 * receiver, every attempt is logged as refused, and re-enabling such an endpoint answers 422.
 */
const NOT_PUBLIC = 'The url field must not point to a loopback, private or link-local address.';
const NOT_HTTPS = 'The url field must be an https URL.';
const ENV = { PARLEY_WEBHOOK_POLL_MS: '50', PARLEY_WEBHOOK_RETRY_SCHEDULE: '3600' };

describe('literal-IP and re-enabled endpoints in production', () => {
  const dbFile = tempDbFile();
  let receiver: Receiver;
  let sandbox: TestParley | undefined;
  let production: TestParley | undefined;
  let sellerToken: string;
  let orderId: number;
  /** http: refused for the scheme in production; https: for the address (the receiver speaks plain HTTP). */
  const endpoints: { path: string; id: number; scheme: 'http' | 'https'; address: string }[] = [];
  let disabledId: number;

  beforeAll(async () => {
    receiver = await Receiver.start();
    sandbox = await startTestParley({ ...ENV, DATABASE_URL: dbFile });
    const { seller, order } = await sandbox.fixtures.scenario('pending');
    sellerToken = seller.token;
    orderId = order.id;
    for (const scheme of ['http', 'https'] as const) {
      for (const [host, address] of [['127.0.0.1', '127.0.0.1'], ['[::ffff:127.0.0.1]', '::ffff:7f00:1'], ['2130706433', '127.0.0.1']] as const) {
        const hookPath = receiver.newPath();
        const endpoint = await createEndpoint(sandbox, seller.id, `${scheme}://${host}:${receiver.port}${hookPath}`, ['order.message.created']);
        endpoints.push({ path: hookPath, id: endpoint.id, scheme, address });
      }
    }
    const disabled = await createEndpoint(sandbox, seller.id, `http://127.0.0.1:${receiver.port}${receiver.newPath()}`, ['order.message.created']);
    disabledId = disabled.id;
    const res = await sandbox.admin.patch(`/admin/v1/webhook-endpoints/${disabledId}`, { disabled: true });
    expect(res.status, res.text).toBe(200);
  }, 30_000);

  afterAll(async () => {
    await receiver?.close();
    await sandbox?.close();
    await production?.close();
    fs.rmSync(path.dirname(dbFile), { recursive: true, force: true });
  }, 30_000);

  it('sandbox connects to each spelling (so the receiver is reachable through each)', async () => {
    await sendMessage(sandbox!, sellerToken, orderId, 'delivered in sandbox');
    for (const { path: hookPath, scheme, id } of endpoints) {
      if (scheme === 'http') await waitFor(() => receiver.on(hookPath).length === 1, 10_000, `the sandbox delivery on ${hookPath}`);
      else await waitFor(async () => (await deliveryLog(sandbox!, id)).data.length === 1, 10_000, `the sandbox attempt of endpoint ${id}`);
    }
    // The https ones reached the plain-HTTP receiver and failed their TLS handshake there.
    expect(receiver.connections).toBeGreaterThanOrEqual(endpoints.length);
  }, 30_000);

  it('production refuses each at delivery, without connecting, and logs why', async () => {
    await sandbox!.close();
    sandbox = undefined;
    production = await startTestParley({ ...ENV, DATABASE_URL: dbFile, PARLEY_ENV: 'production' });
    const before = { requests: receiver.requests.length, connections: receiver.connections };

    await sendMessage(production, sellerToken, orderId, 'must not leave in production');
    for (const { id, scheme, address } of endpoints) {
      const attempt = await waitFor(async () => {
        const rows = (await deliveryLog(production!, id)).data as { error: string | null; status_code: number | null }[];
        return rows.length === 2 && rows[0]; // newest first: this one, then the sandbox attempt
      }, 10_000, `the production attempt of endpoint ${id}`);
      expect(attempt.status_code).toBeNull();
      expect(attempt.error).toBe(scheme === 'http'
        ? 'refused (PARLEY_ENV=production): an http URL; production delivers to https URLs only'
        : `refused (PARLEY_ENV=production): ${address} is not a public address`);
    }
    // Every attempt is logged as refused above: had one connected, the receiver would have seen it by now.
    expect(receiver.connections, 'no connection reached the receiver').toBe(before.connections);
    expect(receiver.requests.length, 'nothing reached the receiver').toBe(before.requests);
  }, 30_000);

  it('answers 422 to re-enabling an endpoint whose stored URL production refuses', async () => {
    const api = production!.admin;
    const reenable = await api.patch(`/admin/v1/webhook-endpoints/${disabledId}`, { disabled: false });
    expect(reenable.status, reenable.text).toBe(422);
    expect(reenable.body.errors).toEqual({ url: [NOT_HTTPS] });
    // An enabled one, confirmed as enabled, is checked the same way.
    const confirm = await api.patch(`/admin/v1/webhook-endpoints/${endpoints[1]!.id}`, { disabled: false, description: 'x' });
    expect(confirm.status, confirm.text).toBe(422);
    expect(confirm.body.errors).toEqual({ url: [NOT_HTTPS] });
    const https = endpoints.find((e) => e.scheme === 'https' && e.address === '::ffff:7f00:1')!;
    const literalStored = await api.patch(`/admin/v1/webhook-endpoints/${https.id}`, { disabled: false });
    expect(literalStored.status, literalStored.text).toBe(422);
    expect(literalStored.body.errors).toEqual({ url: [NOT_PUBLIC] });
    // A new https URL on a loopback literal is refused as such; nothing changed meanwhile.
    const literal = await api.patch(`/admin/v1/webhook-endpoints/${disabledId}`, { disabled: false, url: `https://[::127.0.0.1]:${receiver.port}/x` });
    expect(literal.status, literal.text).toBe(422);
    expect(literal.body.errors).toEqual({ url: [NOT_PUBLIC] });
    const row = production!.readDb((db) =>
      db.prepare('select disabled_at, description from webhook_endpoints where id = ?').get(disabledId) as { disabled_at: number | null; description: string | null });
    expect(row.disabled_at, 'still disabled').not.toBeNull();
    // With a public https URL it may be enabled again.
    const fixed = await api.patch(`/admin/v1/webhook-endpoints/${disabledId}`, { disabled: false, url: 'https://93.184.215.14/hook' });
    expect(fixed.status, fixed.text).toBe(200);
    expect(fixed.body.data.url).toBe('https://93.184.215.14/hook');
  }, 30_000);
});
