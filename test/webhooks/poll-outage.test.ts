import type { FastifyBaseLogger } from 'fastify';
import { describe, expect, it } from 'vitest';
import type { DeliveryQueue, DueDelivery } from '../../src/webhooks/delivery-queue.js';
import { WebhookDeliveryWorker, type WorkerOptions } from '../../src/webhooks/delivery-worker.js';

/**
 * A database outage seen from the delivery worker: every poll's claim fails. The worker logs the
 * first failure, then at most one line per interval (with the count since), then one line when
 * the claim works again. The polls are driven directly and the elapsed time is injected: no timer,
 * no sleeping.
 */

interface Line {
  level: string;
  fields: Record<string, unknown>;
  msg: string;
}

function capturingLogger(lines: Line[]): FastifyBaseLogger {
  const at = (level: string) => (fields: Record<string, unknown>, msg: string) => lines.push({ level, fields, msg });
  return { error: at('error'), warn: at('warn'), info: at('info'), debug: () => {} } as unknown as FastifyBaseLogger;
}

/** A queue whose claim throws `failures` times, then answers with nothing due. */
function flakyQueue(failures: number): DeliveryQueue & { claims: number } {
  const queue = {
    claims: 0,
    async claim(): Promise<DueDelivery[]> {
      queue.claims++;
      if (queue.claims <= failures) throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
      return [];
    },
    settle: async () => true,
    settleAll: async (items: readonly unknown[]) => items.map(() => true),
    release: async () => {},
    prune: async () => 0,
  };
  return queue;
}

const OPTIONS: WorkerOptions = {
  env: 'sandbox', timeoutMs: 10_000, maxResponseBytes: 65_536, retrySchedule: [10], pollMs: 250, leaseMs: 20_000,
  maxInFlight: 32, maxInFlightPerEndpoint: 2, retentionSeconds: 0, pruneEveryMs: 600_000, outageLogEveryMs: 30_000,
};
const clock = { nowMs: () => 1_700_000_000_000, now: () => 1_700_000_000 };

describe('the delivery worker during a database outage', () => {
  it('logs the first failed poll, then one line per 30 s with the count, then one line when the database answers', async () => {
    const POLL_MS = 250;
    const FAILURES = 4 * 75; // 75 s of polls at 4 a second
    const lines: Line[] = [];
    let elapsed = 0;
    const queue = flakyQueue(FAILURES);
    const worker = new WebhookDeliveryWorker(queue, OPTIONS, capturingLogger(lines), clock, () => elapsed);

    for (let i = 0; i < FAILURES; i++) {
      await worker.pollOnce();
      elapsed += POLL_MS;
    }
    // Failures at 0, 0.25, ..., 74.75 s: the first one, then lines at 30 s and 60 s.
    expect(lines.map((l) => l.level)).toEqual(['error', 'error', 'error']);
    expect(lines[0]!.msg).toMatch(/^webhook poll failed/);
    expect((lines[0]!.fields.err as Error).message).toContain('ECONNREFUSED');
    expect(lines[1]!.msg).toBe('webhook poll still failing: 120 failed polls in the last 30 s');
    expect(lines[1]!.fields).toMatchObject({ failedPolls: 120, failedPollsInARow: 121 });
    expect(lines[2]!.msg).toBe('webhook poll still failing: 120 failed polls in the last 30 s');
    expect(lines[2]!.fields).toMatchObject({ failedPolls: 120, failedPollsInARow: 241 });

    await worker.pollOnce();
    expect(queue.claims).toBe(FAILURES + 1);
    expect(lines).toHaveLength(4);
    expect(lines[3]).toMatchObject({ level: 'info', fields: { failedPolls: FAILURES }, msg: `webhook worker: the database answers again after ${FAILURES} failed polls` });

    // Working polls say nothing more.
    for (let i = 0; i < 10; i++) await worker.pollOnce();
    expect(lines).toHaveLength(4);
    await worker.stop();
  });

  it('a later outage is reported afresh: its first failure is logged at once', async () => {
    const lines: Line[] = [];
    let elapsed = 0;
    let failing = true;
    const queue: DeliveryQueue = {
      claim: async () => {
        if (failing) throw new Error('database unavailable');
        return [];
      },
      settle: async () => true,
      settleAll: async (items) => items.map(() => true),
      release: async () => {},
      prune: async () => 0,
    };
    const worker = new WebhookDeliveryWorker(queue, OPTIONS, capturingLogger(lines), clock, () => elapsed);
    await worker.pollOnce();
    await worker.pollOnce();
    failing = false;
    await worker.pollOnce();
    expect(lines.map((l) => l.msg)).toEqual([
      expect.stringMatching(/^webhook poll failed/),
      'webhook worker: the database answers again after 2 failed polls',
    ]);
    elapsed += 1000;
    failing = true;
    await worker.pollOnce();
    expect(lines).toHaveLength(3);
    expect(lines[2]!.msg).toMatch(/^webhook poll failed/);
    await worker.stop();
  });
});
