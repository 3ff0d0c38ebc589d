import { describe, expect, it } from 'vitest';
import { MessageIdGenerator } from '../../src/domain/message-id.js';

describe('MessageIdGenerator', () => {
  const ids = new MessageIdGenerator();
  const newMessageId = (ms: number) => ids.next(ms);
  it('makes 26-character Crockford ids that sort in creation order, even within one millisecond', () => {
    const ms = Date.UTC(2026, 10, 25);
    const made = [newMessageId(ms), newMessageId(ms), newMessageId(ms), newMessageId(ms + 1), newMessageId(ms + 1)];
    for (const id of made) expect(id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect([...made].sort()).toEqual(made);
    expect(new Set(made).size).toBe(made.length);
  });

  it('encodes the millisecond in its first 10 characters, as a ULID does', () => {
    // Ids are monotonic per generator: each test here uses later milliseconds than the one before.
    const decode = (prefix: string) => [...prefix].reduce((ms, c) => ms * 32 + '0123456789ABCDEFGHJKMNPQRSTVWXYZ'.indexOf(c), 0);
    for (const ms of [Date.UTC(2027, 5, 15, 12, 30, 45, 678), Date.UTC(2027, 5, 15, 12, 30, 45, 679), Date.UTC(2027, 11, 31, 23, 59, 59, 999)]) {
      expect(decode(newMessageId(ms).slice(0, 10))).toBe(ms);
    }
    expect(newMessageId(Date.UTC(2028, 0, 1)).slice(0, 10)).toBe('01N8K3T000'); // 2028-01-01T00:00:00Z, 1,830,297,600,000 ms
  });

  it('puts the time first, so a later millisecond always sorts after', () => {
    const early = newMessageId(Date.UTC(2030, 0, 1));
    const late = newMessageId(Date.UTC(2030, 0, 1) + 1);
    expect(early.slice(0, 10) < late.slice(0, 10)).toBe(true);
  });
});

describe('MessageIdGenerator randomness', () => {
  const ids = new MessageIdGenerator();
  const newMessageId = (ms: number) => ids.next(ms);
  it('draws new random bits every millisecond, across refills of its random pool', () => {
    const start = Date.UTC(2031, 0, 1);
    // 600 fresh draws of 16 bytes go through the 4 KB pool more than twice.
    const randomParts = Array.from({ length: 600 }, (_, i) => newMessageId(start + i).slice(10));
    expect(new Set(randomParts).size).toBe(randomParts.length);
    const digitsSeen = new Set(randomParts.join(''));
    expect(digitsSeen.size).toBe(32); // every Crockford digit turns up in 9,600 random digits
  });

  it('carries when a digit overflows within one millisecond', () => {
    const ms = Date.UTC(2032, 0, 1);
    let previous = newMessageId(ms);
    for (let i = 0; i < 100; i++) {
      const next = newMessageId(ms);
      expect(next > previous).toBe(true);
      expect(next.slice(0, 10)).toBe(previous.slice(0, 10));
      previous = next;
    }
  });
});

describe('MessageIdGenerator monotonicity', () => {
  it('keeps its own last time: ids of one generator never sort backwards, another generator is not held back by it', () => {
    const ahead = new MessageIdGenerator();
    const first = ahead.next(Date.UTC(2035, 0, 1));
    // The clock went back: this generator's ids still sort after the ones it made.
    expect(ahead.next(Date.UTC(2027, 0, 1)) > first).toBe(true);
    expect(new MessageIdGenerator().next(Date.UTC(2027, 0, 1)) < first).toBe(true);
  });
});
