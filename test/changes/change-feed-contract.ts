import { afterEach, describe, expect, it } from 'vitest';
import { MAX_CHANGE_PAYLOAD_BYTES, type ChangeFeed, type PublishedChange } from '../../src/changes/change-feed.js';
import { KEY_HASH, messageCreated, record, settle, waitForCount } from './change-feed-support.js';

/** Two feeds on one fresh channel, as two Parley instances would hold them. */
export interface FeedPair {
  a: ChangeFeed;
  b: ChangeFeed;
  /** Publishes a payload on the channel as is, bypassing the feeds (a raw NOTIFY or PUBLISH). */
  publishRaw: (payload: string) => Promise<void>;
}

export interface ContractTarget {
  name: string;
  skip: boolean;
  /** Whether the feeds talk over a server channel (publishRaw reaches it). */
  hasChannel: boolean;
  /** Opens a pair on a channel of this test alone; both feeds report errors through `onError`. */
  open(onError: (error: Error) => void): Promise<FeedPair>;
}

/** What every ChangeFeed promises, run against one implementation. */
export function describeChangeFeedContract(target: ContractTarget): void {
  describe.skipIf(target.skip)(`${target.name}: the ChangeFeed contract`, () => {
    let pair: FeedPair | null = null;
    let errors: Error[] = [];

    async function open(): Promise<FeedPair> {
      errors = [];
      pair = await target.open((error) => errors.push(error));
      return pair;
    }

    afterEach(async () => {
      await Promise.all([pair?.a.close(), pair?.b.close()]);
      pair = null;
    });

    it('delivers each change published on either instance to every listener of both, once, in each publisher’s order', async () => {
      const { a, b } = await open();
      const listeners = [record(a), record(a), record(b)];
      const fromA = Array.from({ length: 15 }, (_, i) => messageCreated(1000 + i));
      const fromB = Array.from({ length: 15 }, (_, i) => messageCreated(2000 + i));
      await Promise.all([
        (async () => {
          for (const change of fromA) await a.publish(change);
        })(),
        // Not awaited one by one: the order of the calls still holds.
        Promise.all(fromB.map((change) => b.publish(change))),
      ]);
      await waitForCount(listeners, 30);
      await settle();
      for (const { changes } of listeners) {
        expect(changes).toHaveLength(30);
        expect(changes.filter((c) => c.type === 'order.message.created' && c.orderId < 2000)).toEqual(fromA);
        expect(changes.filter((c) => c.type === 'order.message.created' && c.orderId >= 2000)).toEqual(fromB);
      }
      expect(errors).toEqual([]);
    });

    it('carries every type of change, frozen and with only its known fields', async () => {
      const { a, b } = await open();
      const heard = record(b);
      const sent: PublishedChange[] = [
        { type: 'order.message.created', orderId: 7, kind: 'item', messageId: '01JABCDEFGHJKMNPQRSTVWXYZ0' },
        { type: 'order.status.updated', orderId: 7, kind: 'currency', status: 'in_delivery' },
        { type: 'api_key.revoked', keyHash: KEY_HASH },
      ];
      for (const change of sent) await a.publish(change);
      const withExtra = { type: 'api_key.revoked' as const, keyHash: KEY_HASH, token: 'never-sent' };
      await a.publish(withExtra);
      await waitForCount([heard], 4);
      expect(heard.changes).toEqual([...sent, sent[2]]);
      expect(heard.changes[3]).not.toHaveProperty('token');
      expect(heard.changes.every((c) => Object.isFrozen(c))).toBe(true);
    });

    it('calls a function subscribed twice twice; unsubscribing, even during a delivery, stops only that subscription', async () => {
      const { a, b } = await open();
      const calls: string[] = [];
      const listener = (change: { type: string }) => calls.push(change.type);
      const first = b.subscribe(listener);
      const second = b.subscribe(listener);
      const kept = record(b);
      // Unsubscribes the other recording while a change is being delivered, before its turn.
      let victim: () => void = () => undefined;
      b.subscribe(() => victim());
      const dropped = record(b);
      victim = dropped.unsubscribe;

      await a.publish(messageCreated(1));
      await waitForCount([kept], 1);
      expect(calls).toEqual(['order.message.created', 'order.message.created']);
      expect(dropped.changes).toEqual([]);

      first();
      first(); // twice: harmless
      await a.publish(messageCreated(2));
      await waitForCount([kept], 2);
      second();
      await a.publish(messageCreated(3));
      await waitForCount([kept], 3);
      await settle();
      expect(calls).toHaveLength(3);
      expect(dropped.changes).toEqual([]);
    });

    it('reports a throwing or rejecting listener and still delivers to the others and later changes', async () => {
      const { a, b } = await open();
      b.subscribe(() => {
        throw new Error('listener bug');
      });
      b.subscribe(async () => {
        throw new Error('async listener bug');
      });
      const heard = record(b);
      await a.publish(messageCreated(1));
      await a.publish(messageCreated(2));
      await waitForCount([heard], 2);
      await settle();
      expect(heard.changes).toEqual([messageCreated(1), messageCreated(2)]);
      const messages = errors.map((e) => e.message);
      expect(messages.filter((m) => m.endsWith('a listener failed on order.message.created: listener bug'))).toHaveLength(2);
      expect(messages.filter((m) => m.endsWith('a listener failed on order.message.created: async listener bug'))).toHaveLength(2);
      expect(errors).toHaveLength(4);
    });

    it('rejects invalid changes at publish, sending nothing', async () => {
      const { a, b } = await open();
      const heard = record(b);
      const invalid: unknown[] = [
        { type: 'resync' },
        { type: 'order.deleted', orderId: 1 },
        { type: 'order.message.created', orderId: 0, kind: 'account', messageId: 'x' },
        { type: 'order.message.created', orderId: 1.5, kind: 'account', messageId: 'x' },
        { type: 'order.message.created', orderId: '1', kind: 'account', messageId: 'x' },
        { type: 'order.message.created', orderId: 1, kind: 'gift_card', messageId: 'x' },
        { type: 'order.message.created', orderId: 1, kind: 'account', messageId: '' },
        { type: 'order.status.updated', orderId: 1, kind: 'account', status: 'done' },
        { type: 'api_key.revoked', keyHash: KEY_HASH.toUpperCase() },
        { type: 'api_key.revoked', keyHash: 'parley_live_secret' },
        null,
        'order.message.created',
      ];
      for (const change of invalid) {
        await expect(a.publish(change as PublishedChange), JSON.stringify(change)).rejects.toThrow(/cannot publish this change/);
      }
      await a.publish(messageCreated(1));
      await waitForCount([heard], 1);
      await settle();
      expect(heard.changes).toEqual([messageCreated(1)]);
    });

    it(`rejects a change over ${MAX_CHANGE_PAYLOAD_BYTES} bytes (PostgreSQL's NOTIFY limit) and delivers one of exactly ${MAX_CHANGE_PAYLOAD_BYTES}`, async () => {
      const { a, b } = await open();
      const heard = record(b);
      const overhead = JSON.stringify(messageCreated(1, '')).length;
      const largest = messageCreated(1, 'é'.repeat((MAX_CHANGE_PAYLOAD_BYTES - overhead - 1) / 2) + 'x'.repeat(((MAX_CHANGE_PAYLOAD_BYTES - overhead - 1) % 2) + 1));
      expect(Buffer.byteLength(JSON.stringify(largest))).toBe(MAX_CHANGE_PAYLOAD_BYTES);
      const tooLarge = messageCreated(1, `${(largest as { messageId: string }).messageId}x`);
      await expect(a.publish(tooLarge)).rejects.toThrow(
        `change feed: cannot publish a order.message.created change of ${MAX_CHANGE_PAYLOAD_BYTES + 1} bytes: the limit is ${MAX_CHANGE_PAYLOAD_BYTES} (PostgreSQL NOTIFY)`,
      );
      await a.publish(largest);
      await waitForCount([heard], 1);
      expect(heard.changes).toEqual([largest]);
    });

    it('after close(): publish rejects, subscribe is a no-op, nothing is delivered, close again resolves; the other instance goes on', async () => {
      const { a, b } = await open();
      const onA = record(a);
      const onB = record(b);
      await a.publish(messageCreated(1));
      await waitForCount([onA, onB], 1);
      await a.close();
      await a.close();
      await expect(a.publish(messageCreated(2))).rejects.toThrow(/closed/);
      const late = record(a);
      late.unsubscribe();
      if (b !== a) {
        await b.publish(messageCreated(3));
        await waitForCount([onB], 2);
        expect(onB.changes).toEqual([messageCreated(1), messageCreated(3)]);
      }
      await settle();
      expect(onA.changes).toEqual([messageCreated(1)]);
      expect(late.changes).toEqual([]);
      expect(errors).toEqual([]);
    });

    // The in-process feed has no channel anything else could write to.
    if (target.hasChannel) it('drops and reports malformed messages received on the channel, and delivers the valid ones around them', async () => {
      const { a, b, publishRaw } = await open();
      const onA = record(a);
      const onB = record(b);
      const malformed = [
        '',
        'not json',
        '{"type":"order.message.created"',
        '[]',
        'null',
        '42',
        '{"type":"resync"}',
        '{"type":"order.refunded","orderId":1}',
        '{"type":"order.status.updated","orderId":-3,"kind":"item","status":"delivered"}',
        '{"type":"api_key.revoked","keyHash":"not-a-hash"}',
        JSON.stringify({ type: 'order.message.created', orderId: 1, kind: 'account', messageId: 'x'.repeat(600) }).replace('"account"', '"nope"'),
      ];
      await a.publish(messageCreated(1));
      for (const payload of malformed) await publishRaw(payload);
      // A newer Parley may add fields: still a valid change.
      await publishRaw(JSON.stringify({ ...messageCreated(2), addedLater: true }));
      await a.publish(messageCreated(3));
      await waitForCount([onA, onB], 3);
      await settle();
      for (const { changes } of [onA, onB]) expect(changes).toEqual([messageCreated(1), messageCreated(2), messageCreated(3)]);
      // Each instance reports each malformed message once.
      expect(errors).toHaveLength(2 * malformed.length);
      for (const error of errors) expect(error.message).toMatch(/dropped a malformed message \(.+\): ".*"/);
      expect(errors.find((e) => e.message.includes('x'.repeat(600)))).toBeUndefined(); // quoted payloads are cut
    });
  });
}
