import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNT_ORDERS } from '../../support/order-kinds.js';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { messagesPath, requestIdOf } from '../post-order-messages/chat-helpers.js';
import { innerArray, insertMessages, ulidSequence, type StoredMessageRow } from './thread-helpers.js';

/**
 * A thread far longer than one read page (100 messages) is written out as it is read. What the
 * client gets must be exactly the answer a one-piece read gives, and the Parley extension
 * (`after`, `limit`) must cut it as documented.
 */
const COUNT = 2000;
const LENGTH = 5000;

let parley: TestParley;
let token: string;
let orderId: number;
let rows: StoredMessageRow[];
const path = () => messagesPath(ACCOUNT_ORDERS, orderId);

/** 5,000 code points with what JSON must escape: quotes, backslashes, controls, non-ASCII, astral. */
function text(i: number): string {
  const head = `#${i} "quoted" back\\slash\nnew line\t\u0001 café ✓ 😀 </script> `;
  const chars = [...head];
  const filler = [...`lorem ${i} ipsum `];
  while (chars.length < LENGTH) chars.push(filler[chars.length % filler.length]!);
  return chars.slice(0, LENGTH).join('');
}

beforeAll(async () => {
  parley = await startTestParley();
  const { seller, buyer, order } = await parley.fixtures.scenario('pending');
  token = seller.token;
  orderId = order.id;
  const ids = ulidSequence(COUNT);
  rows = ids.map((id, i) => ({
    id,
    type: i % 10 === 9 ? 'system_message' : 'user_message',
    text: text(i),
    sender_id: i % 10 === 9 ? null : i % 2 === 0 ? seller.id : buyer.id,
  }));
  insertMessages(parley, 'account', orderId, rows);
}, 120_000);
afterAll(() => parley?.close());

describe('GET /v2/account-orders/{id}/messages, a thread of 2,000 messages of 5,000 characters -> 200', () => {
  let whole: string;

  it('answers the whole thread, oldest first, sent in chunks rather than as one body', async () => {
    const res = await parley.api.get(path(), { token });
    expect(res.status).toBe(200);
    requestIdOf(res);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    // Written as it is read: no length known up front.
    expect(res.headers.get('content-length')).toBeNull();
    expect(res.body.message).toBeNull();
    expect(res.body.data).toHaveLength(COUNT);
    expect(res.body.data.map((m: { id: string }) => m.id)).toEqual(rows.map((r) => r.id));
    expect(res.body.data.map((m: { text: string }) => m.text)).toEqual(rows.map((r) => r.text));
    expect(res.body.data[9]).toMatchObject({ type: 'system_message', sender: { id: 0, username: 'System', is_admin: true } });
    whole = res.text;
  });

  it('is byte for byte the concatenation of one-piece answers (pages of at most 100 through after/limit)', async () => {
    const parts: string[] = [];
    let after: string | null = null;
    for (;;) {
      const query: string = after === null ? '?limit=100' : `?after=${after}&limit=100`;
      const res = await parley.api.get(`${path()}${query}`, { token });
      expect(res.status).toBe(200);
      // A page of 100 is answered in one piece.
      expect(res.headers.get('content-length')).toBe(String(Buffer.byteLength(res.text)));
      if (res.body.data.length === 0) break;
      parts.push(innerArray(res.text));
      after = res.body.data.at(-1).id;
    }
    expect(parts).toHaveLength(COUNT / 100);
    expect(whole).toBe(`{"data":[${parts.join(',')}],"message":null}`);
  });

  it('after: only the messages after that one, oldest first, the rest of the thread when no limit is given', async () => {
    const res = await parley.api.get(`${path()}?after=${rows[1499]!.id}`, { token });
    expect(res.status).toBe(200);
    expect(res.body.data.map((m: { id: string }) => m.id)).toEqual(rows.slice(1500).map((r) => r.id));
    expect(innerArray(res.text)).toBe(innerArray(whole).slice(innerArray(whole).indexOf(`{"id":"${rows[1500]!.id}"`)));
  });

  it('limit: at most that many (1 to 1000), also when that is more than a page', async () => {
    const first = await parley.api.get(`${path()}?limit=1`, { token });
    expect(first.body.data.map((m: { id: string }) => m.id)).toEqual([rows[0]!.id]);

    const big = await parley.api.get(`${path()}?limit=1000`, { token });
    expect(big.status).toBe(200);
    expect(big.body.data.map((m: { id: string }) => m.id)).toEqual(rows.slice(0, 1000).map((r) => r.id));

    const middle = await parley.api.get(`${path()}?after=${rows[249]!.id}&limit=333`, { token });
    expect(middle.body.data.map((m: { id: string }) => m.id)).toEqual(rows.slice(250, 583).map((r) => r.id));

    const tail = await parley.api.get(`${path()}?after=${rows[1899]!.id}&limit=1000`, { token });
    expect(tail.body.data.map((m: { id: string }) => m.id)).toEqual(rows.slice(1900).map((r) => r.id));
  });

  it('after the newest message: an empty list', async () => {
    const res = await parley.api.get(`${path()}?after=${rows.at(-1)!.id}`, { token });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ data: [], message: null });
  });

  it('several large reads at once each get the whole thread', async () => {
    const answers = await Promise.all(Array.from({ length: 4 }, () => parley.api.get(path(), { token })));
    for (const res of answers) expect(res.text).toBe(whole);
  });
});
