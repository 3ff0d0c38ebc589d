import { describe, expect, it } from 'vitest';
import { newMessageId } from '../../src/domain/message-id.js';

describe('newMessageId', () => {
  it('makes 26-character Crockford ids that sort in creation order, even within one millisecond', () => {
    const ms = Date.UTC(2026, 10, 25);
    const ids = [newMessageId(ms), newMessageId(ms), newMessageId(ms), newMessageId(ms + 1), newMessageId(ms + 1)];
    for (const id of ids) expect(id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('puts the time first, so a later millisecond always sorts after', () => {
    const early = newMessageId(Date.UTC(2030, 0, 1));
    const late = newMessageId(Date.UTC(2030, 0, 1) + 1);
    expect(early.slice(0, 10) < late.slice(0, 10)).toBe(true);
  });
});

describe('newMessageId randomness', () => {
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
