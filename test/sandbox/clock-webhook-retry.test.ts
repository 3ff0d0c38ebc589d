import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestParley, type TestParley } from '../support/parley.js';
import { ManualClock } from '../support/manual-clock.js';
import { Receiver, waitFor } from '../webhooks/receiver.js';
import { createEndpoint, sendMessage } from '../webhooks/helpers.js';

/** A failed webhook's retry waits on the application clock: advancing the test clock sends it now. */
let parley: TestParley;
let receiver: Receiver;
beforeAll(async () => {
  receiver = await Receiver.start();
  // A poll interval far longer than the test: only the advance's nudge can send the retry in time.
  parley = await startTestParley({ PARLEY_WEBHOOK_POLL_MS: '600000', PARLEY_WEBHOOK_RETRY_SCHEDULE: '3600' }, { clock: new ManualClock(Date.now()) });
});
afterAll(async () => {
  await receiver?.close();
  await parley?.close();
});

describe('webhook retries on the test clock', () => {
  it('sends a retry due in an hour as soon as the clock is advanced past it', async () => {
    const { order, seller } = await parley.fixtures.scenario('pending');
    const path = receiver.newPath();
    receiver.script(path, 500);
    await createEndpoint(parley, seller.id, receiver.url(path), ['order.message.created']);
    const message = await sendMessage(parley, seller.token, order.id, 'hello');
    // The commit wakes the worker: the first attempt goes out and fails.
    await waitFor(() => receiver.on(path).length === 1, 5000, 'the first attempt');
    const first = receiver.on(path)[0]!;
    expect(first.answer).toBe(500);
    await waitFor(() => parley.readDb((db) => (db.prepare("select count(*) as n from webhook_attempts").get() as { n: number }).n) === 1, 5000, 'the attempt logged');

    // The retry is due in an hour (+-20 %) on the application clock.
    const due = parley.readDb((db) => db.prepare('select next_attempt_at_ms as ms from webhook_deliveries').get() as { ms: number }).ms;
    expect(due - first.receivedAtMs).toBeGreaterThan(47 * 60_000);
    expect(due - first.receivedAtMs).toBeLessThan(73 * 60_000);
    // Two hours later: the advance nudges the worker, which sends it at once.
    await parley.admin.post('/admin/v1/clock/advance', { seconds: 2 * 3600 });
    await waitFor(() => receiver.on(path).length === 2, 5000, 'the retry');
    const retry = receiver.on(path)[1]!;
    expect(retry.answer).toBe(200);
    expect(retry.body).toBe(first.body);
    expect(JSON.parse(retry.body).payload.message.id).toBe(message.id);
  });
});
