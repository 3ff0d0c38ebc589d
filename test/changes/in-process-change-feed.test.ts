import { describe, expect, it } from 'vitest';
import { InProcessChangeFeed } from '../../src/changes/in-process-change-feed.js';
import { describeChangeFeedContract } from './change-feed-contract.js';
import { messageCreated, record, settle, waitForCount } from './change-feed-support.js';

// SQLite runs one instance: its "two instances" are the one feed, subscribed to twice.
describeChangeFeedContract({
  name: 'InProcessChangeFeed',
  skip: false,
  hasChannel: false,
  async open(onError) {
    const feed = new InProcessChangeFeed({ onError });
    return {
      a: feed,
      b: feed,
      publishRaw: () => Promise.reject(new Error('the in-process feed has no channel')),
    };
  },
});

describe('InProcessChangeFeed', () => {
  it('delivers after publish() returns, within the same turn of the event loop', async () => {
    const feed = new InProcessChangeFeed();
    const heard = record(feed);
    const published = feed.publish(messageCreated(1));
    expect(heard.changes).toEqual([]);
    await published;
    await Promise.resolve();
    expect(heard.changes).toEqual([messageCreated(1)]);
    await feed.close();
  });

  it('drops what was published but not yet delivered when closed', async () => {
    const feed = new InProcessChangeFeed();
    const heard = record(feed);
    void feed.publish(messageCreated(1));
    await feed.close();
    await settle();
    expect(heard.changes).toEqual([]);
  });

  it('shares nothing between two feeds (one per process)', async () => {
    const one = new InProcessChangeFeed();
    const other = new InProcessChangeFeed();
    const onOne = record(one);
    const onOther = record(other);
    await one.publish(messageCreated(1));
    await waitForCount([onOne], 1);
    await settle();
    expect(onOther.changes).toEqual([]);
    await Promise.all([one.close(), other.close()]);
  });
});
