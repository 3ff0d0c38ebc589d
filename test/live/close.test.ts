import { describe, expect, it } from 'vitest';
import { startTestParley } from '../support/parley.js';
import { openOk, orderStreamPath } from './stream-support.js';

describe('closing the server with streams open', () => {
  it('sends each stream reset (shutting_down), ends it, and closes', async () => {
    const parley = await startTestParley();
    let closed = false;
    try {
      const { seller, buyer, order } = await parley.fixtures.scenario('pending');
      const streams = [
        await openOk(parley, orderStreamPath('/v2/account-orders', order.id), seller.token),
        await openOk(parley, '/v2/events/stream', buyer.token),
      ];
      await parley.close();
      closed = true;
      for (const stream of streams) {
        await stream.closedByServer();
        expect(stream.events.map((e) => [e.event, e.data])).toEqual([['reset', '{"reason":"shutting_down"}']]);
      }
    } finally {
      if (!closed) await parley.close();
    }
  });
});
