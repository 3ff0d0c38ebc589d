import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { openOk, openStream, orderStreamPath } from '../../live/stream-support.js';
import type { SseClient } from '../../live/sse-client.js';

describe('GET /v2/{kind}-orders/{id}/messages/stream: 429 past the per-key limit', () => {
  let parley: TestParley;
  beforeAll(async () => {
    parley = await startTestParley({ PARLEY_STREAM_MAX_PER_KEY: '3' });
  });
  afterAll(async () => parley?.close());

  it('answers 429 in the throttle shape to one stream too many per key; a closed stream frees its slot', async () => {
    const { seller, buyer, order } = await parley.fixtures.scenario('pending');
    const path = orderStreamPath('/v2/account-orders', order.id);
    const open: SseClient[] = [];
    try {
      for (let i = 0; i < 3; i++) open.push(await openOk(parley, i === 2 ? '/v2/events/stream' : path, seller.token));
      // A stream token counts against the key that minted it.
      const minted = await parley.api.withToken(seller.token).post('/v2/stream-tokens', {});
      for (const [url, token] of [[path, seller.token], [`${path}?stream_token=${encodeURIComponent(minted.body.data.token)}`, null]] as const) {
        const refused = await openStream(parley, url, token);
        expect(refused.status, refused.body).toBe(429);
        expect(JSON.parse(refused.body)).toMatchObject({ message: 'Too many requests.' });
        expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      }
      // Another key of another user is not affected.
      open.push(await openOk(parley, path, buyer.token));
      open.shift()!.close();
      // The server hears of the close asynchronously: wait for the slot (never longer than the test).
      let again = await openStream(parley, path, seller.token);
      for (let i = 0; again.status === 429 && i < 100; i++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        again = await openStream(parley, path, seller.token);
      }
      expect(again.status, again.body).toBe(200);
      open.push(again);
    } finally {
      for (const stream of open) stream.close();
    }
  });
});
