import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../support/manual-clock.js';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { openStream, orderStreamPath } from '../../live/stream-support.js';

const UNAUTHENTICATED = { message: 'Unauthenticated.' };

describe('GET /v2/{kind}-orders/{id}/messages/stream: 401', () => {
  let parley: TestParley;
  const clock = new ManualClock(Date.UTC(2026, 0, 5, 12));
  beforeAll(async () => {
    parley = await startTestParley({}, { clock });
  });
  afterAll(async () => parley?.close());

  async function expect401(path: string, token: string | null) {
    const res = await openStream(parley, path, token);
    expect(res.status, res.body).toBe(401);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(res.body)).toMatchObject(UNAUTHENTICATED);
  }

  async function mint(token: string, body: Record<string, unknown> = {}): Promise<string> {
    const res = await parley.api.withToken(token).post('/v2/stream-tokens', body);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.data.token as string;
  }

  it('refuses a stream without a key, with an unknown key, and with an API key in the URL', async () => {
    const { seller, order } = await parley.fixtures.scenario('pending');
    const path = orderStreamPath('/v2/account-orders', order.id);
    await expect401(path, null);
    await expect401(path, 'pk_not-a-key');
    // An API key is no stream token: keys never travel in URLs.
    await expect401(`${path}?stream_token=${encodeURIComponent(seller.token)}`, null);
  });

  it('refuses forged, tampered and expired stream tokens, and those of a revoked key', async () => {
    const { seller, order } = await parley.fixtures.scenario('pending');
    const path = orderStreamPath('/v2/account-orders', order.id);
    const token = await mint(seller.token);
    const [body, signature] = token.slice(3).split('.');
    const claims = JSON.parse(Buffer.from(body!, 'base64url').toString());
    const forged = `st_${Buffer.from(JSON.stringify({ ...claims, e: claims.e + 3_600_000 })).toString('base64url')}.${signature}`;
    for (const bad of [forged, `${token}x`, `st_${body}`, 'st_', 'garbage']) await expect401(`${path}?stream_token=${encodeURIComponent(bad)}`, null);

    // Valid now; 60 s later (the default lifetime) it is refused.
    const fresh = await mint(seller.token);
    const open = await openStream(parley, `${path}?stream_token=${encodeURIComponent(fresh)}`, null);
    expect(open.status, open.body).toBe(200);
    open.close();
    clock.advance(60_000);
    await expect401(`${path}?stream_token=${encodeURIComponent(fresh)}`, null);

    const revoked = await mint(seller.token);
    const del = await parley.admin.delete(`/admin/v1/api-keys/${seller.keyId}`);
    expect(del.status, JSON.stringify(del.body)).toBeLessThan(300);
    await expect401(`${path}?stream_token=${encodeURIComponent(revoked)}`, null);
  });

  it('does not let a stream token authenticate anything but the streams', async () => {
    const { seller, order } = await parley.fixtures.scenario('pending');
    const token = await mint(seller.token);
    for (const path of [`/v2/account-orders/${order.id}`, `/v2/account-orders/${order.id}/messages`, '/v2/stream-tokens']) {
      const res = await fetch(`${parley.url}${path}?stream_token=${encodeURIComponent(token)}`, { method: path === '/v2/stream-tokens' ? 'POST' : 'GET' });
      expect(res.status, path).toBe(401);
    }
  });
});
