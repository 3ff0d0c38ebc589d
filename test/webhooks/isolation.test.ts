import { describe, expect, it } from 'vitest';
import { createEndpoint, receiverAndParley, sendMessage } from './helpers.js';
import { expectSignedDelivery, waitFor } from './receiver.js';

const suite = receiverAndParley({ PARLEY_WEBHOOK_POLL_MS: '25' });

describe('a slow receiver does not hold up the others', () => {
  it('delivers every event to endpoint B within ~2 s while endpoint A never answers', async () => {
    const { parley, receiver } = suite;
    const { seller, order } = await parley.fixtures.scenario('pending');
    const slow = receiver.newPath('slow');
    const fast = receiver.newPath('fast');
    receiver.setDefault(slow, 'hang');
    await createEndpoint(parley, seller.id, receiver.url(slow), ['order.message.created']);
    const b = await createEndpoint(parley, seller.id, receiver.url(fast), ['order.message.created']);

    const EVENTS = 8;
    const started = Date.now();
    const sent: any[] = [];
    for (let i = 0; i < EVENTS; i++) sent.push(await sendMessage(parley, seller.token, order.id, `event ${i}`));

    await waitFor(() => receiver.on(fast).length >= EVENTS, 2500, `${EVENTS} deliveries to B`);
    const elapsed = Date.now() - started;
    expect(elapsed, 'B got everything in about 2 s from the first send').toBeLessThan(2500);

    // ...while A's requests are still open: it has been sent at least one and answered none.
    expect(receiver.on(slow).length).toBeGreaterThanOrEqual(1);
    expect(receiver.hangingCount).toBeGreaterThanOrEqual(1);
    expect(receiver.hangingCount).toBe(receiver.on(slow).length);

    const got = receiver.on(fast).map((r) => expectSignedDelivery(r, [b.secret], { topic: 'order.message.created' }));
    expect(new Set(got.map((d) => d.eventId)).size).toBe(EVENTS);
    expect(got.map((d) => d.payload.message.id).sort()).toEqual(sent.map((m) => m.id).sort());
  });
});
