import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestParley, type TestParley } from '../support/parley.js';
import { openOk } from './stream-support.js';

describe('heartbeat', () => {
  let parley: TestParley;
  beforeAll(async () => {
    parley = await startTestParley({ PARLEY_STREAM_HEARTBEAT_SECONDS: '1' });
  });
  afterAll(async () => parley?.close());

  it('sends a `: heartbeat` comment every PARLEY_STREAM_HEARTBEAT_SECONDS on an idle stream', async () => {
    const seller = await parley.fixtures.user('seller');
    const stream = await openOk(parley, '/v2/events/stream', seller.token);
    try {
      await stream.until((s) => s.comments.filter((c) => c === 'heartbeat').length >= 2, 'two heartbeats');
      expect(stream.events).toEqual([]);
    } finally {
      stream.close();
    }
  });
});
