import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORDER_KIND_CASES } from '../../support/order-kinds.js';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { expectError, formOptions, messagesPath, rawOptions, storedMessages } from './chat-helpers.js';

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley();
});
afterAll(() => parley.close());

const NOT_UTF8 = 'The request body is not valid UTF-8.';
const SURROGATE = 'The request body contains an unpaired UTF-16 surrogate.';
const TOO_DEEP = 'The request body is nested too deeply; the limit is 512 levels.';

/** `{"message":"<prefix>` + bytes + `<suffix>"}` as raw bytes. */
function jsonWithBytes(bytes: number[]): Uint8Array {
  return Buffer.concat([Buffer.from('{"message":"a'), Buffer.from(bytes), Buffer.from('b"}')]);
}

/** `{"message":"x","ignored":[[...]]}`: the body object plus `arrays` nested arrays. */
function nested(arrays: number): string {
  return `{"message":"x","ignored":${'['.repeat(arrays)}${']'.repeat(arrays)}}`;
}

describe('POST /v2/{kind}-orders/{id}/messages -> 400 for text that cannot be stored as sent', () => {
  describe.each(ORDER_KIND_CASES)('$kind orders', (kind) => {
    it.each([
      ['a lone high surrogate', '{"message":"a\\ud800b"}'],
      ['a lone low surrogate', '{"message":"a\\udc00b"}'],
      ['a reversed pair', '{"message":"\\ude00\\ud83d"}'],
      ['a high surrogate at the very end', '{"message":"ok\\ud83d"}'],
      ['a lone surrogate in an ignored field', '{"message":"fine","note":"\\ud800"}'],
      ['a lone surrogate in a key', '{"message":"fine","\\ud800":1}'],
      ['a lone surrogate deep in an array', '{"message":"fine","x":[{"y":["\\udfff"]}]}'],
    ])('refuses %s, and stores nothing', async (_label, body) => {
      const { seller, order } = await parley.fixtures.scenario('pending', {}, kind);
      const res = await parley.api.post(messagesPath(kind, order.id), undefined, rawOptions(seller.token, body, 'application/json'));
      expectError(res, 400, SURROGATE);
      expect(storedMessages(parley, kind, order.id)).toEqual([]);
    });
  });

  it('refuses 10,000 lone surrogates, which would have read back as 30,000 characters', async () => {
    const { seller, order } = await parley.fixtures.scenario('pending');
    const body = `{"message":"${'\\ud800'.repeat(10_000)}"}`;
    const res = await parley.api.post(messagesPath(ORDER_KIND_CASES[0]!, order.id), undefined, rawOptions(seller.token, body, 'application/json'));
    expectError(res, 400, SURROGATE);
    expect(storedMessages(parley, ORDER_KIND_CASES[0]!, order.id)).toEqual([]);
  });

  it.each([
    ['a 0xFF byte', [0xff]],
    ['a lone continuation byte', [0x80]],
    ['a truncated two-byte sequence', [0xc3]],
    ['an overlong encoding of "/"', [0xc0, 0xaf]],
    ['a UTF-8 encoded surrogate (CESU-8)', [0xed, 0xa0, 0x80]],
    ['a code point above U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
  ])('refuses a JSON body with %s, and stores nothing', async (_label, bytes) => {
    const kind = ORDER_KIND_CASES[0]!;
    const { seller, order } = await parley.fixtures.scenario('pending', {}, kind);
    const res = await parley.api.post(messagesPath(kind, order.id), undefined, rawOptions(seller.token, jsonWithBytes(bytes), 'application/json'));
    expectError(res, 400, NOT_UTF8);
    expect(storedMessages(parley, kind, order.id)).toEqual([]);
  });

  it.each([
    ['a %-escaped lone surrogate', 'message=a%ED%A0%80b'],
    ['a %-escaped 0xFF', 'message=%FF'],
    ['a truncated %-escaped sequence', 'message=caf%C3'],
    ['a bad byte in an ignored field', 'message=fine&other=%C0%AF'],
  ])('refuses a form body with %s, and stores nothing', async (_label, body) => {
    const kind = ORDER_KIND_CASES[0]!;
    const { seller, order } = await parley.fixtures.scenario('pending', {}, kind);
    const res = await parley.api.post(messagesPath(kind, order.id), undefined, formOptions(seller.token, body));
    expectError(res, 400, NOT_UTF8);
    expect(storedMessages(parley, kind, order.id)).toEqual([]);
  });

  it('refuses a form body with raw bytes that are not UTF-8', async () => {
    const kind = ORDER_KIND_CASES[0]!;
    const { seller, order } = await parley.fixtures.scenario('pending', {}, kind);
    const body = Buffer.concat([Buffer.from('message=a'), Buffer.from([0xfe]), Buffer.from('b')]);
    const res = await parley.api.post(messagesPath(kind, order.id), undefined, rawOptions(seller.token, body, 'application/x-www-form-urlencoded'));
    expectError(res, 400, NOT_UTF8);
    expect(storedMessages(parley, kind, order.id)).toEqual([]);
  });

  it.each([
    ['3,000 levels', 3000],
    ['100,000 levels', 100_000],
    ['one level past the limit', 512],
  ])('refuses nesting of %s in an ignored field, and stores nothing', async (_label, arrays) => {
    const kind = ORDER_KIND_CASES[0]!;
    const { seller, order } = await parley.fixtures.scenario('pending', {}, kind);
    const res = await parley.api.post(messagesPath(kind, order.id), undefined, rawOptions(seller.token, nested(arrays), 'application/json'));
    expectError(res, 400, TOO_DEEP);
    expect(storedMessages(parley, kind, order.id)).toEqual([]);
  });

  it('refuses deep objects as it refuses deep arrays', async () => {
    const kind = ORDER_KIND_CASES[0]!;
    const { seller, order } = await parley.fixtures.scenario('pending', {}, kind);
    const body = `{"message":"x","o":${'{"a":'.repeat(600)}1${'}'.repeat(600)}}`;
    const res = await parley.api.post(messagesPath(kind, order.id), undefined, rawOptions(seller.token, body, 'application/json'));
    expectError(res, 400, TOO_DEEP);
  });
});

describe('POST /v2/{kind}-orders/{id}/messages -> 200: what is acknowledged is what reads back', () => {
  it.each([
    ['a surrogate pair sent as escapes', '{"message":"a\\ud83d\\ude00b"}', 'a\u{1F600}b'],
    ['a surrogate pair sent as UTF-8', '{"message":"a\u{1F600}b"}', 'a\u{1F600}b'],
    ['U+FFFD itself', '{"message":"a\\ufffdb"}', 'a\uFFFDb'],
    ['the largest code point', '{"message":"\\udbff\\udfff"}', '\u{10FFFF}'],
  ])('%s', async (_label, body, text) => {
    const kind = ORDER_KIND_CASES[0]!;
    const { seller, order } = await parley.fixtures.scenario('pending', {}, kind);
    const res = await parley.api.post(messagesPath(kind, order.id), undefined, rawOptions(seller.token, body, 'application/json'));
    expect(res.status).toBe(200);
    expect(res.body.data.text).toBe(text);
    const read = await parley.api.get(messagesPath(kind, order.id), { token: seller.token });
    expect(read.body.data.map((m: { text: string }) => m.text)).toEqual([text]);
  });

  it('a form field %-escaped as UTF-8, and a body nested exactly 512 levels deep', async () => {
    const kind = ORDER_KIND_CASES[0]!;
    const { seller, order } = await parley.fixtures.scenario('pending', {}, kind);
    const form = await parley.api.post(messagesPath(kind, order.id), undefined, formOptions(seller.token, 'message=caf%C3%A9+%F0%9F%98%80'));
    expect(form.status).toBe(200);
    expect(form.body.data.text).toBe('café \u{1F600}');
    const deep = await parley.api.post(messagesPath(kind, order.id), undefined, rawOptions(seller.token, nested(511), 'application/json'));
    expect(deep.status).toBe(200);
    const read = await parley.api.get(messagesPath(kind, order.id), { token: seller.token });
    expect(read.body.data.map((m: { text: string }) => m.text)).toEqual(['café \u{1F600}', 'x']);
  });
});
