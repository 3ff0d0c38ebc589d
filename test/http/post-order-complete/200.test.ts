import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrderKindCase } from '../../support/order-kinds.js';
import { startTestParley, type TestParley } from '../../support/parley.js';
import {
  COMPLETABLE,
  completePath,
  expectError,
  isNow,
  messagesPath,
  MESSAGES,
  orderPath,
  orderRow,
  SYSTEM_SENDER,
  threadRows,
} from './helpers.js';

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley();
});
afterAll(() => parley.close());

/** What the order resource looks like once completed: only the status and its times move. */
function completedView(kind: OrderKindCase, before: Record<string, unknown>, after: Record<string, unknown>) {
  const expected: Record<string, unknown> = { ...before, status: 'delivered', updated_at: after.updated_at };
  // Currency orders do not serve completed_at; item orders do.
  if (kind.kind === 'item') expected.completed_at = after.updated_at;
  return expected;
}

describe.each(COMPLETABLE.map((k) => [k.path, k] as const))('POST %s/{id}/complete -> 200', (_path, kind) => {
  it.each(['pending', 'in_delivery'] as const)('lets the seller complete a %s order: {data, message, action} with status delivered', async (status) => {
    const { seller, order } = await parley.fixtures.scenario(status, {}, kind);
    const res = await parley.api.post(completePath(kind, order.id), undefined, { token: seller.token });
    expect(res.status, res.text).toBe(200);
    expect(Object.keys(res.body)).toEqual(['data', 'message', 'action']);
    expect(res.body.message).toBe(MESSAGES.completed);
    expect(res.body.action).toBe('completed');
    const data = res.body.data;
    expect(data).toEqual(completedView(kind, order, data));
    expect(data.status).toBe('delivered');
    expect(isNow(data.updated_at), String(data.updated_at)).toBe(true);
    expect(data.updated_at).toBeGreaterThanOrEqual(order.updated_at);
    if (kind.kind === 'item') {
      expect(order.completed_at).toBeNull();
      expect(isNow(data.completed_at), String(data.completed_at)).toBe(true);
    }

    // Committed: status and completed_at in the row, the same resource on GET.
    const row = orderRow(parley, order.id)!;
    expect(row).toMatchObject({ kind: kind.kind, status: 'delivered', updated_at: data.updated_at, refunded_at: null });
    expect(isNow(row.completed_at), String(row.completed_at)).toBe(true);
    expect(row.completed_at).toBe(data.updated_at);
    const read = await parley.api.get(orderPath(kind, order.id), { token: seller.token });
    expect(read.status, read.text).toBe(200);
    expect(read.body.data).toEqual(data);
  });

  it('appends exactly one system message, visible to both parties, and closes the chat', async () => {
    const { seller, buyer, order } = await parley.fixtures.scenario('in_delivery', {}, kind);
    const hello = await parley.api.post(messagesPath(kind, order.id), { message: 'delivering now' }, { token: seller.token });
    expect(hello.status, hello.text).toBe(200);

    const res = await parley.api.post(completePath(kind, order.id), undefined, { token: seller.token });
    expect(res.status, res.text).toBe(200);

    const rows = threadRows(parley, kind, order.id);
    expect(rows.map((r) => [r.type, r.text, r.sender_id])).toEqual([
      ['user_message', 'delivering now', seller.id],
      ['system_message', MESSAGES.completedSystemText, null],
    ]);
    expect(rows[1]!.sent_at).toBe(res.body.data.updated_at);

    for (const user of [seller, buyer]) {
      const thread = await parley.api.get(messagesPath(kind, order.id), { token: user.token });
      expect(thread.status, thread.text).toBe(200);
      expect(thread.body.data).toHaveLength(2);
      expect(thread.body.data[0]).toEqual(hello.body.data);
      expect(thread.body.data[1]).toEqual({
        id: expect.any(String),
        type: 'system_message',
        text: MESSAGES.completedSystemText,
        attachment: null,
        sender: SYSTEM_SENDER,
        sent_at: res.body.data.updated_at,
      });
      // Message ids sort by time: the system message comes last.
      expect(thread.body.data[1].id > thread.body.data[0].id).toBe(true);
    }

    // The order is no longer processing: neither party can send any more.
    for (const user of [seller, buyer]) {
      expectError(await parley.api.post(messagesPath(kind, order.id), { message: 'after completion' }, { token: user.token }), 403, MESSAGES.chatClosed);
    }
    expect(threadRows(parley, kind, order.id)).toHaveLength(2);
  });

  it('lets the admin token complete any seller\'s order', async () => {
    const { seller, order } = await parley.fixtures.scenario('pending', {}, kind);
    const res = await parley.admin.post(completePath(kind, order.id));
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({ data: completedView(kind, order, res.body.data), message: MESSAGES.completed, action: 'completed' });
    expect(isNow(res.body.data.updated_at)).toBe(true);
    // Still recorded as the seller's doing.
    expect(threadRows(parley, kind, order.id).map((r) => [r.type, r.text, r.sender_id])).toEqual([
      ['system_message', MESSAGES.completedSystemText, null],
    ]);
    const read = await parley.api.get(orderPath(kind, order.id), { token: seller.token });
    expect(read.body.data.status).toBe('delivered');
  });

  it('lets the key of a user with role admin complete an order', async () => {
    const { order } = await parley.fixtures.scenario('in_delivery', {}, kind);
    const staff = await parley.fixtures.user('admin');
    const res = await parley.api.post(completePath(kind, order.id), undefined, { token: staff.token });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ data: { id: order.id, status: 'delivered' }, message: MESSAGES.completed, action: 'completed' });
    expect(orderRow(parley, order.id)).toMatchObject({ status: 'delivered' });
  });

  it('accepts an empty JSON object as the body, and ignores unknown fields', async () => {
    const a = await parley.fixtures.scenario('pending', {}, kind);
    const withEmpty = await parley.api.post(completePath(kind, a.order.id), {}, { token: a.seller.token });
    expect(withEmpty.status, withEmpty.text).toBe(200);
    expect(withEmpty.body.data.status).toBe('delivered');

    const b = await parley.fixtures.scenario('pending', {}, kind);
    const withJunk = await parley.api.post(completePath(kind, b.order.id), { status: 'refunded', note: 'x' }, { token: b.seller.token });
    expect(withJunk.status, withJunk.text).toBe(200);
    expect(withJunk.body.data.status).toBe('delivered');
    expect(orderRow(parley, b.order.id)).toMatchObject({ status: 'delivered', refunded_at: null });
  });

  it('changes only the completed order: the seller\'s other orders stay as they were', async () => {
    const { seller, buyer, order } = await parley.fixtures.scenario('pending', {}, kind);
    const other = await parley.fixtures.order(seller, buyer, { status: 'pending' }, kind);
    const otherRow = orderRow(parley, other.id);

    expect((await parley.api.post(completePath(kind, order.id), undefined, { token: seller.token })).status).toBe(200);

    expect(orderRow(parley, other.id)).toEqual(otherRow);
    expect(threadRows(parley, kind, other.id)).toEqual([]);
    const read = await parley.api.get(orderPath(kind, other.id), { token: seller.token });
    expect(read.body.data).toEqual(other);
  });

  it('keeps the order\'s own fields (quantity, prices, parameters) as they were', async () => {
    const fields: Record<string, unknown> = {
      quantity: 4,
      price_eur: '19.99',
      parameters: { server: 'EU' },
      delivery_time: { duration: 30, unit: 'minutes' },
      ...(kind.kind === 'currency'
        ? { credentials: { login: 'bob', password: 'pw' }, completion_proof_url: 'https://example.com/proof.png' }
        : {}),
    };
    const { seller, order } = await parley.fixtures.scenario('in_delivery', fields, kind);
    const res = await parley.api.post(completePath(kind, order.id), undefined, { token: seller.token });
    expect(res.status, res.text).toBe(200);
    expect(res.body.data).toEqual(completedView(kind, order, res.body.data));
    expect(res.body.data).toMatchObject({ quantity: 4, price_eur: { amount: 1999 }, parameters: { server: 'EU' } });
  });
});
