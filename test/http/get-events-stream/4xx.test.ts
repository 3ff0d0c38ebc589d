import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { openStream } from '../../live/stream-support.js';

describe('GET /v2/events/stream: 401, 422', () => {
  let parley: TestParley;
  beforeAll(async () => {
    parley = await startTestParley();
  });
  afterAll(async () => parley?.close());

  it('401 without a key or with a bad stream token', async () => {
    for (const [path, token] of [['/v2/events/stream', null], ['/v2/events/stream?stream_token=st_x.y', null], ['/v2/events/stream', 'pk_nope']] as const) {
      const res = await openStream(parley, path, token);
      expect(res.status, res.body).toBe(401);
      expect(JSON.parse(res.body)).toMatchObject({ message: 'Unauthenticated.' });
    }
  });

  it('422 for an unknown topic or a bad Last-Event-ID', async () => {
    const seller = await parley.fixtures.user('seller');
    const topics = await openStream(parley, '/v2/events/stream?topics=order.message.created,webhook.test', seller.token);
    expect(topics.status, topics.body).toBe(422);
    expect(JSON.parse(topics.body)).toMatchObject({ errors: { topics: ['The selected topics is invalid.'] } });
    const id = await openStream(parley, '/v2/events/stream', seller.token, { 'last-event-id': '1.5' });
    expect(id.status, id.body).toBe(422);
  });
});
