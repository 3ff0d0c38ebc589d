import { describe, expect, it } from 'vitest';
import { createEndpoint, receiverAndParley, sendMessage } from './helpers.js';
import { expectSignedDelivery, waitFor } from './receiver.js';

/**
 * Per-endpoint concurrency (PARLEY_WEBHOOK_CONCURRENCY): a receiver that never answers holds
 * exactly its own connections, and another endpoint on the very same host (its own pool, not a
 * shared per-origin one) receives everything meanwhile, on kept-alive connections.
 */

const CONCURRENCY = 4;
const suite = receiverAndParley({ PARLEY_WEBHOOK_POLL_MS: '25', PARLEY_WEBHOOK_CONCURRENCY: String(CONCURRENCY) });

describe('one hanging endpoint and one fast one on the same host', () => {
  it('delivers every event to the fast one while the hanging one holds its own connections, and no more', async () => {
    const { parley, receiver } = suite;
    const { seller, order } = await parley.fixtures.scenario('pending');
    const slow = receiver.newPath('hanging');
    const fast = receiver.newPath('fast');
    receiver.setDefault(slow, 'hang');
    await createEndpoint(parley, seller.id, receiver.url(slow), ['order.message.created']);
    const b = await createEndpoint(parley, seller.id, receiver.url(fast), ['order.message.created']);
    const connectionsBefore = receiver.connections;

    const EVENTS = 10 * CONCURRENCY;
    const sent: any[] = [];
    for (let i = 0; i < EVENTS; i++) sent.push(await sendMessage(parley, seller.token, order.id, `event ${i}`));

    await waitFor(() => new Set(receiver.on(fast).map((r) => r.headers['webhook-id'])).size >= EVENTS, 20_000, `${EVENTS} events at the fast endpoint`);
    await waitFor(() => receiver.hangingCount >= CONCURRENCY, 20_000, 'the hanging endpoint at its concurrency');

    // The fast endpoint got every event, each signed with its own secret.
    const got = receiver.on(fast).map((r) => expectSignedDelivery(r, [b.secret], { topic: 'order.message.created' }));
    expect(new Set(got.map((d) => d.payload.message.id))).toEqual(new Set(sent.map((m) => m.id)));
    // The hanging endpoint holds exactly its concurrency in requests, all of them still open.
    expect(receiver.hangingCount).toBe(CONCURRENCY);
    expect(receiver.on(slow).filter((r) => r.answer === 'hang').length).toBeGreaterThanOrEqual(CONCURRENCY);
    // Keep-alive: the fast endpoint's deliveries share at most its concurrency of connections.
    expect(receiver.connections - connectionsBefore).toBeLessThanOrEqual(2 * CONCURRENCY);
  });
});
