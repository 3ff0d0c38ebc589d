import { describe, expect, it } from 'vitest';
import { AnswerCache } from '../../src/http/answer-cache.js';

describe('AnswerCache', () => {
  it('answers a body only at the version it was kept under', () => {
    const cache = new AnswerCache();
    cache.set('1', 3, 'three');
    expect(cache.get('1', 3)?.toString()).toBe('three');
    expect(cache.get('1', 4)).toBeUndefined();
    expect(cache.get('2', 3)).toBeUndefined();
  });

  it('never lets an older version replace a newer one', () => {
    const cache = new AnswerCache();
    cache.set('1', 5, 'five');
    cache.set('1', 4, 'four');
    expect(cache.get('1', 5)?.toString()).toBe('five');
    expect(cache.get('1', 4)).toBeUndefined();
    cache.set('1', 6, 'six!');
    expect(cache.get('1', 6)?.toString()).toBe('six!');
    expect(cache.bytes).toBe(4);
  });

  it('stays within its size, dropping the least recently used first, and keeps no body over the entry limit', () => {
    const cache = new AnswerCache(10, 6);
    cache.set('a', 1, 'aaaa');
    cache.set('b', 1, 'bbbb');
    expect(cache.get('a', 1)?.toString()).toBe('aaaa'); // a is now the most recently used
    cache.set('c', 1, 'cccc');
    expect(cache.bytes).toBe(8);
    expect(cache.get('b', 1)).toBeUndefined();
    expect(cache.get('a', 1)?.toString()).toBe('aaaa');
    expect(cache.get('c', 1)?.toString()).toBe('cccc');
    cache.set('d', 1, 'ddddddd');
    expect(cache.get('d', 1)).toBeUndefined();
    expect(cache.bytes).toBe(8);
    // A body grown past the entry limit is dropped, not kept at its old version.
    cache.set('a', 2, 'aaaaaaaa');
    expect(cache.get('a', 1)).toBeUndefined();
    expect(cache.bytes).toBe(4);
  });

  it('keeps and counts the UTF-8 bytes that go out', () => {
    const cache = new AnswerCache();
    const sent = cache.set('u', 1, '{"text":"été 😀"}');
    expect(sent.equals(Buffer.from('{"text":"été 😀"}', 'utf8'))).toBe(true);
    expect(cache.get('u', 1)).toBe(sent);
    expect(cache.bytes).toBe(Buffer.byteLength('{"text":"été 😀"}'));
  });
});
