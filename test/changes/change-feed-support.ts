import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { vi } from 'vitest';
import type { Change, ChangeFeed, PublishedChange } from '../../src/changes/change-feed.js';
import { postgresAnswers, testPgAddress } from '../support/pg-admin.js';

/**
 * Whether a PostgreSQL suite should be skipped: only when PostgreSQL does not answer and CI is
 * not 'true' (under CI a missing PostgreSQL fails the suite instead of hiding it).
 */
export async function skipWithoutPostgres(suite: string): Promise<boolean> {
  if (await postgresAnswers()) return false;
  if (process.env.CI === 'true') return false;
  console.warn(`[${suite}] SKIPPED: PostgreSQL does not answer on ${testPgAddress()} (start it, or set PARLEY_TEST_PG_URL; under CI=true this suite fails instead)`);
  return true;
}

/** A channel (or namespace) of one test alone: parallel files and runs never hear each other. */
export function uniqueChannel(label: string): string {
  return `parley_t_${label}_${process.pid}_${randomBytes(4).toString('hex')}`;
}

/** A loopback port nothing listens on. */
export async function deadPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** What one subscription received. */
export interface Recording {
  changes: Change[];
  unsubscribe: () => void;
}

export function record(feed: ChangeFeed): Recording {
  const changes: Change[] = [];
  const unsubscribe = feed.subscribe((change) => changes.push(change));
  return { changes, unsubscribe };
}

/** Waits until every recording holds `count` changes. */
export async function waitForCount(recordings: Recording[], count: number, timeout = 5_000): Promise<void> {
  await vi.waitFor(
    () => {
      for (const r of recordings) if (r.changes.length < count) throw new Error(`${r.changes.length} of ${count} changes so far`);
    },
    { timeout, interval: 5 },
  );
}

/** Long enough for a duplicate or a late delivery to show up after the expected ones. */
export const settle = () => new Promise((resolve) => setTimeout(resolve, 150));

export const messageCreated = (orderId: number, messageId = `01J${String(orderId).padStart(23, '0')}`): PublishedChange => ({
  type: 'order.message.created',
  orderId,
  kind: 'account',
  messageId,
});

export const KEY_HASH = 'ab'.repeat(32);
