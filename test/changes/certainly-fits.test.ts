import { describe, expect, it } from 'vitest';
import { certainlyFits, decodeChange, encodeChange, MAX_CHANGE_PAYLOAD_BYTES, type PublishedChange } from '../../src/changes/change-feed.js';

// The in-process feed skips encoding a change when certainlyFits says so: it must never say so
// for a change whose wire form is over the limit.
describe('certainlyFits', () => {
  const withId = (messageId: string): PublishedChange => ({ type: 'order.message.created', orderId: Number.MAX_SAFE_INTEGER, kind: 'account', messageId });

  it('holds for every change the send path publishes', () => {
    expect(certainlyFits(withId('01JB7ZQK3M7V2N9X4T6R8P0C5D'))).toBe(true);
    expect(certainlyFits({ type: 'order.status.updated', orderId: 1, kind: 'account', status: 'in_delivery' })).toBe(true);
    expect(certainlyFits({ type: 'api_key.revoked', keyHash: 'a'.repeat(64) })).toBe(true);
  });

  it('never holds for a change over the limit, even when every character encodes to 6 bytes', () => {
    // The longest id it accepts, made of characters JSON escapes as \u00XX: the wire form still fits.
    let length = 1;
    while (certainlyFits(withId('\u0001'.repeat(length + 1)))) length += 1;
    const longestAccepted = withId('\u0001'.repeat(length));
    expect(Buffer.byteLength(encodeChange(longestAccepted))).toBeLessThanOrEqual(MAX_CHANGE_PAYLOAD_BYTES);
    expect(decodeChange(encodeChange(longestAccepted))).toEqual(longestAccepted);
    // And a change over the limit is refused by it (the encoding path then rejects it).
    const tooLarge = withId('x'.repeat(MAX_CHANGE_PAYLOAD_BYTES));
    expect(certainlyFits(tooLarge)).toBe(false);
    expect(() => encodeChange(tooLarge)).toThrow(RangeError);
  });
});
