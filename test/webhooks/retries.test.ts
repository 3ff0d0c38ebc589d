import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestParley, type TestParley } from '../support/parley.js';
import { createEndpoint, deliveryLog, sendMessage } from './helpers.js';
import { expectSignedDelivery, Receiver, sleep, waitFor } from './receiver.js';

/** Four retries 0.2 s apart (±20 % jitter): five attempts within about a second. */
const SCHEDULE = [0.2, 0.2, 0.2, 0.2];
/** Comfortably past the last retry of the schedule, jitter and polling included. */
const PAST_SCHEDULE_MS = 1000;

let parley: TestParley;
let receiver: Receiver;
beforeAll(async () => {
  receiver = await Receiver.start();
  parley = await startTestParley({ PARLEY_WEBHOOK_RETRY_SCHEDULE: SCHEDULE.join(','), PARLEY_WEBHOOK_POLL_MS: '25' });
});
afterAll(async () => {
  await receiver?.close();
  await parley?.close();
});

const nowSeconds = () => Math.floor(Date.now() / 1000);

/** A seller with a pending account order and an endpoint for new messages on a fresh receiver path. */
async function setup(events: string[] = ['order.message.created']) {
  const { seller, order } = await parley.fixtures.scenario('pending');
  const path = receiver.newPath();
  const endpoint = await createEndpoint(parley, seller.id, receiver.url(path), events);
  return { seller, order, path, endpoint };
}

describe('webhook retries, replay and 410', () => {
  it('retries after 500, 503 and a dropped connection, and delivers on attempt 4 with the same event id', async () => {
    const { seller, order, path, endpoint } = await setup();
    receiver.script(path, 500, 503, 'drop'); // then the default: 200

    const message = await sendMessage(parley, seller.token, order.id, 'retry me');
    const requests = await waitFor(() => receiver.on(path).length >= 4 && receiver.on(path), 5000, '4 attempts');
    expect(requests.map((r) => r.answer)).toEqual([500, 503, 'drop', 200]);

    const deliveries = requests.map((r) => expectSignedDelivery(r, [endpoint.secret], { topic: 'order.message.created' }));
    const eventId = deliveries[0]!.eventId;
    for (const d of deliveries) {
      expect(d.eventId).toBe(eventId);
      expect(d.payload).toEqual({ order_kind: 'account', order_id: order.id, message });
    }
    // The exact same bytes every time; only the timestamp (and so webhook-signature) may move.
    expect(new Set(requests.map((r) => r.body)).size).toBe(1);
    // Spaced by the schedule (0.2 s ± 20 %), not hammered.
    for (let i = 1; i < requests.length; i++) {
      expect(requests[i]!.receivedAtMs - requests[i - 1]!.receivedAtMs, `gap before attempt ${i + 1}`).toBeGreaterThanOrEqual(140);
    }

    // The delivery log: four attempts, newest first, with status codes, durations and the connection error.
    const log = await waitFor(async () => {
      const body = await deliveryLog(parley, endpoint.id);
      return body.meta.total >= 4 && body;
    }, 3000, 'four logged attempts');
    expect(log.data.map((a: any) => a.attempt)).toEqual([4, 3, 2, 1]);
    expect(log.data.map((a: any) => a.status_code)).toEqual([200, null, 503, 500]);
    for (const a of log.data) {
      expect(a).toEqual({
        id: expect.any(Number),
        event_id: eventId,
        topic: 'order.message.created',
        attempt: expect.any(Number),
        attempted_at: expect.any(Number),
        status_code: a.status_code,
        duration_ms: expect.any(Number),
        error: a.status_code === null ? expect.any(String) : null,
      });
      expect(a.duration_ms).toBeGreaterThanOrEqual(0);
      expect(a.duration_ms).toBeLessThan(5000);
      expect(Math.abs(a.attempted_at - nowSeconds())).toBeLessThanOrEqual(5);
    }
    expect(log.data[1].error.length).toBeGreaterThan(0);
    const ids = log.data.map((a: any) => a.id);
    expect([...ids].sort((x: number, y: number) => y - x)).toEqual(ids);
    expect(log.meta).toMatchObject({ current_page: 1, total: 4, from: 1, to: 4, last_page: 1 });

    await sleep(PAST_SCHEDULE_MS / 2);
    expect(receiver.on(path)).toHaveLength(4); // delivered: no more attempts
  });

  it('stops after exactly 5 attempts to a receiver that always fails; a replay delivers once more with the same event id', async () => {
    const { seller, order, path, endpoint } = await setup();
    receiver.setDefault(path, 500);

    await sendMessage(parley, seller.token, order.id, 'never accepted');
    const five = await waitFor(() => receiver.on(path).length >= 5 && receiver.on(path), 5000, '5 attempts');
    const eventId = expectSignedDelivery(five[0]!, [endpoint.secret]).eventId;
    for (const r of five) expect(expectSignedDelivery(r, [endpoint.secret]).eventId).toBe(eventId);

    await sleep(PAST_SCHEDULE_MS);
    expect(receiver.on(path), 'no attempt after the schedule is used up').toHaveLength(5);
    const log = await deliveryLog(parley, endpoint.id);
    expect(log.meta.total).toBe(5);
    expect(log.data.map((a: any) => [a.attempt, a.status_code, a.error])).toEqual([
      [5, 500, null], [4, 500, null], [3, 500, null], [2, 500, null], [1, 500, null],
    ]);

    // Manual replay, now that the receiver is fixed.
    receiver.setDefault(path, 200);
    const replay = await parley.admin.post(`/admin/v1/webhook-events/${eventId}/replay`);
    expect(replay.status, replay.text).toBe(202);
    expect(replay.body).toEqual({ data: { event_id: eventId, deliveries: 1 } });

    const sixth = await waitFor(() => receiver.on(path)[5], 5000, 'the replayed delivery');
    const replayed = expectSignedDelivery(sixth, [endpoint.secret], { topic: 'order.message.created' });
    expect(replayed.eventId).toBe(eventId);
    expect(sixth.body).toBe(five[0]!.body);
    expect(sixth.answer).toBe(200);
    await sleep(PAST_SCHEDULE_MS / 2);
    expect(receiver.on(path)).toHaveLength(6);
    const after = await waitFor(async () => {
      const body = await deliveryLog(parley, endpoint.id);
      return body.meta.total === 6 && body;
    }, 3000, 'the replay in the log');
    expect(after.data[0]).toMatchObject({ event_id: eventId, attempt: 1, status_code: 200, error: null });
  });

  it('disables the endpoint on a 410 answer and sends it nothing afterwards', async () => {
    const { seller, order, path, endpoint } = await setup();
    const sentinelPath = receiver.newPath();
    await createEndpoint(parley, seller.id, receiver.url(sentinelPath), ['order.message.created']);
    receiver.setDefault(path, 410);

    await sendMessage(parley, seller.token, order.id, 'go away?');
    await waitFor(() => receiver.on(path).length >= 1, 5000, 'the first delivery');

    const listed = await waitFor(async () => {
      const res = await parley.admin.get(`/admin/v1/users/${seller.id}/webhook-endpoints`);
      expect(res.status, res.text).toBe(200);
      const mine = res.body.data.find((e: any) => e.id === endpoint.id);
      return mine?.disabled === true && mine;
    }, 3000, 'the endpoint to be disabled');
    expect(listed.disabled_reason).toEqual(expect.stringMatching(/410/));

    // 410 is final: no retry of that delivery, and later events are not sent to it.
    const later = await sendMessage(parley, seller.token, order.id, 'after the 410');
    await waitFor(() => receiver.on(sentinelPath).length >= 2, 5000, 'the later event on the sentinel endpoint');
    expect(JSON.parse(receiver.on(sentinelPath)[1]!.body).payload.message).toEqual(later);
    await sleep(PAST_SCHEDULE_MS);
    expect(receiver.on(path)).toHaveLength(1);

    const log = await deliveryLog(parley, endpoint.id);
    expect(log.data.map((a: any) => [a.attempt, a.status_code])).toEqual([[1, 410]]);
  });
});
