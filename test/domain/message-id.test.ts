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
