import { describe, expect, it } from 'vitest';
import { createEndpoint, receiverAndParley, sendMessage } from './helpers.js';
import { waitFor } from './receiver.js';

/** Backlogs: deliveries queue up faster than an endpoint takes them. */

describe('a backlog drains at the receiver\'s pace, not the poll interval\'s', () => {
  // Two attempts per endpoint at a time: polling alone would deliver 2 events every 3 s.
  const suite = receiverAndParley({ PARLEY_WEBHOOK_POLL_MS: '3000', PARLEY_WEBHOOK_CONCURRENCY: '2' });

  it('delivers 40 queued events one after another as soon as each slot frees', async () => {
    const { parley, receiver } = suite;
    const { seller, order } = await parley.fixtures.scenario('pending');
    const path = receiver.newPath('busy');
    await createEndpoint(parley, seller.id, receiver.url(path), ['order.message.created']);
    const EVENTS = 40;
    for (let i = 0; i < EVENTS; i++) await sendMessage(parley, seller.token, order.id, `queued ${i}`);

    await waitFor(() => receiver.on(path).length >= 1, 5_000, 'the first delivery (the next poll)');
    const firstAt = Date.now();
    // Well inside one poll interval (3 s) after the first: the rest never waited for a poll.
    await waitFor(() => receiver.on(path).length >= EVENTS, 2_000, `all ${EVENTS} deliveries`);
    expect(Date.now() - firstAt).toBeLessThan(2_000);
    expect(new Set(receiver.on(path).map((r) => r.body)).size, 'each event once').toBe(EVENTS);
  });
});

describe('a backlog for one endpoint does not crowd out the others', () => {
  const suite = receiverAndParley({ PARLEY_WEBHOOK_POLL_MS: '25', PARLEY_WEBHOOK_CONCURRENCY: '2' });

  it('delivers another seller\'s event at once behind 150 older events for a receiver that never answers', async () => {
    const { parley, receiver } = suite;
    const stuck = await parley.fixtures.scenario('pending');
    const hang = receiver.newPath('hang');
    receiver.setDefault(hang, 'hang');
    await createEndpoint(parley, stuck.seller.id, receiver.url(hang), ['order.message.created']);
    // More due deliveries than a claim considers at once (4 per free slot: at most 128).
    for (let i = 0; i < 150; i++) await sendMessage(parley, stuck.seller.token, stuck.order.id, `stuck ${i}`);
    await waitFor(() => receiver.hangingCount >= 2, 5_000, 'the hanging endpoint holding its two slots');

    const other = await parley.fixtures.scenario('pending');
    const fast = receiver.newPath('fast');
    await createEndpoint(parley, other.seller.id, receiver.url(fast), ['order.message.created']);
    const sentAt = Date.now();
    await sendMessage(parley, other.seller.token, other.order.id, 'not stuck');
    await waitFor(() => receiver.on(fast).length >= 1, 3_000, 'the other seller\'s delivery');
    expect(Date.now() - sentAt).toBeLessThan(3_000);
    // The stuck endpoint still holds its two attempts and no more (on a slow machine the first two
    // may have timed out after 10 s and been followed by two others: never more than two open).
    expect(receiver.hangingCount).toBeLessThanOrEqual(2);
    expect(receiver.on(hang).length).toBeLessThan(10);
  });
});
