import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiResponse } from '../../support/api-client.js';
import { startTestParley, type TestParley } from '../../support/parley.js';
import {
  ACCOUNT,
  credentialsPath,
  expectError,
  isNow,
  messagesPath,
  MESSAGES,
  orderPath,
  orderRow,
  SYSTEM_SENDER,
  threadRows,
} from '../post-order-complete/helpers.js';

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley();
});
afterAll(() => parley.close());

/** A 200: exactly `{data, message, warning}`, data the order with only credentials and updated_at changed. */
function expectUpdated(res: ApiResponse, before: Record<string, unknown>, credentials: string) {
  expect(res.status, res.text).toBe(200);
  expect(Object.keys(res.body)).toEqual(['data', 'message', 'warning']);
  expect(res.body).toEqual({
    data: { ...before, credentials, updated_at: expect.any(Number) },
    message: MESSAGES.credentialsUpdated,
    warning: MESSAGES.credentialsWarning,
  });
  expect(isNow(res.body.data.updated_at), String(res.body.data.updated_at)).toBe(true);
  expect(res.body.data.updated_at).toBeGreaterThanOrEqual(before.updated_at as number);
  return res.body.data;
}

describe('PATCH /v2/account-orders/{accountOrder}/credentials -> 200', () => {
  it.each(['pending', 'in_delivery', 'delivered'] as const)('lets the seller replace the credentials of a %s order', async (status) => {
    const { seller, buyer, order } = await parley.fixtures.scenario(status, { credentials: 'login: old / pass: old-secret' });
    const oldColumn = orderRow(parley, order.id)!.credentials as string;

    const res = await parley.api.patch(credentialsPath(order.id), { credentials: 'login: new / pass: NEW-secret-42' }, { token: seller.token });
    const data = expectUpdated(res, order, 'login: new / pass: NEW-secret-42');
    expect(data.status).toBe(status);

    // Committed, sealed, and served the same to both parties.
    const row = orderRow(parley, order.id)!;
    expect(row).toMatchObject({ status, updated_at: data.updated_at, completed_at: order.completed_at, refunded_at: null });
    expect(row.credentials).toMatch(/^v2:/);
    expect(row.credentials).not.toBe(oldColumn);
    expect(String(row.credentials)).not.toContain('NEW-secret-42');
    for (const user of [seller, buyer]) {
      const read = await parley.api.get(orderPath(ACCOUNT, order.id), { token: user.token });
      expect(read.status, read.text).toBe(200);
      expect(read.body.data).toEqual(data);
    }
  });

  it.each(['pending', 'in_delivery', 'delivered'] as const)(
    'tells the buyer in the thread of a %s order with one system message that does not repeat the credentials',
    async (status) => {
      const { seller, buyer, order } = await parley.fixtures.scenario(status);
      const secret = 'user: zed@example.com\npass: Hunter2-SECRET-xyz';
      const res = await parley.api.patch(credentialsPath(order.id), { credentials: secret }, { token: seller.token });
      expectUpdated(res, order, secret);

      const rows = threadRows(parley, ACCOUNT, order.id);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ type: 'system_message', sender_id: null, sent_at: res.body.data.updated_at });
      const text = String(rows[0]!.text);
      expect(text.trim()).not.toBe('');
      for (const part of [secret, 'Hunter2', 'SECRET', 'zed@example.com']) expect(text).not.toContain(part);

      const thread = await parley.api.get(messagesPath(ACCOUNT, order.id), { token: buyer.token });
      expect(thread.status, thread.text).toBe(200);
      expect(thread.body.data).toEqual([
        { id: expect.any(String), type: 'system_message', text, attachment: null, sender: SYSTEM_SENDER, sent_at: res.body.data.updated_at },
      ]);
      expect(thread.text).not.toContain('Hunter2');
    },
  );

  it('appends the notice after the existing messages and leaves the chat as it was', async () => {
    const { seller, buyer, order } = await parley.fixtures.scenario('in_delivery');
    expect((await parley.api.post(messagesPath(ACCOUNT, order.id), { message: 'hi' }, { token: buyer.token })).status).toBe(200);
    expect((await parley.api.patch(credentialsPath(order.id), { credentials: 'c1' }, { token: seller.token })).status).toBe(200);
    expect((await parley.api.post(messagesPath(ACCOUNT, order.id), { message: 'thanks' }, { token: buyer.token })).status).toBe(200);
    expect(threadRows(parley, ACCOUNT, order.id).map((r) => r.type)).toEqual(['user_message', 'system_message', 'user_message']);
  });

  it('keeps a delivered order closed for chat after the notice', async () => {
    const { seller, order } = await parley.fixtures.scenario('delivered');
    expect((await parley.api.patch(credentialsPath(order.id), { credentials: 'c1' }, { token: seller.token })).status).toBe(200);
    expectError(await parley.api.post(messagesPath(ACCOUNT, order.id), { message: 'x' }, { token: seller.token }), 403, MESSAGES.chatClosed);
  });

  it('sets credentials on an order that had none', async () => {
    const { seller, order } = await parley.fixtures.scenario('pending');
    expect(order.credentials).toBeNull();
    expect(orderRow(parley, order.id)!.credentials).toBeNull();
    const data = expectUpdated(await parley.api.patch(credentialsPath(order.id), { credentials: 'first' }, { token: seller.token }), order, 'first');
    expect(data.credentials).toBe('first');
    expect(orderRow(parley, order.id)!.credentials).toMatch(/^v2:/);
  });

  it('trims the text and keeps inner whitespace and line breaks', async () => {
    const { seller, order } = await parley.fixtures.scenario('pending');
    const res = await parley.api.patch(credentialsPath(order.id), { credentials: ' \n\t login: a  b\n\npass: c \u200B ' }, { token: seller.token });
    expectUpdated(res, order, 'login: a  b\n\npass: c');
  });

  it('keeps non-ASCII text as sent', async () => {
    const { seller, order } = await parley.fixtures.scenario('pending');
    const text = 'Benutzer: Jürgen 🎮 / пароль: 秘密 / "quotes" \\ backslash';
    expectUpdated(await parley.api.patch(credentialsPath(order.id), { credentials: text }, { token: seller.token }), order, text);
  });

  it.each([
    ['10000 ASCII characters', 'x'.repeat(10000)],
    ['10000 emoji (20000 UTF-16 units)', '🔑'.repeat(10000)],
    ['10000 characters padded with spaces beyond the limit (trimmed first)', `   ${'y'.repeat(10000)}   `],
  ])('accepts %s', async (_label, credentials) => {
    const { seller, order } = await parley.fixtures.scenario('pending');
    const res = await parley.api.patch(credentialsPath(order.id), { credentials }, { token: seller.token });
    const data = expectUpdated(res, order, credentials.trim());
    expect([...data.credentials]).toHaveLength(10000);
  });

  it('lets the admin token and a user with role admin update any order', async () => {
    const { seller, order } = await parley.fixtures.scenario('pending');
    const first = expectUpdated(await parley.admin.patch(credentialsPath(order.id), { credentials: 'by admin token' }), order, 'by admin token');
    const staff = await parley.fixtures.user('admin');
    expectUpdated(await parley.api.patch(credentialsPath(order.id), { credentials: 'by staff' }, { token: staff.token }), first, 'by staff');
    expect(threadRows(parley, ACCOUNT, order.id).map((r) => r.type)).toEqual(['system_message', 'system_message']);
    const read = await parley.api.get(orderPath(ACCOUNT, order.id), { token: seller.token });
    expect(read.body.data.credentials).toBe('by staff');
  });

  it('replaces the credentials each time: the last one wins', async () => {
    const { seller, order } = await parley.fixtures.scenario('in_delivery', { credentials: 'v0' });
    let current = order;
    for (const credentials of ['v1', 'v2', 'v3']) {
      current = expectUpdated(await parley.api.patch(credentialsPath(order.id), { credentials }, { token: seller.token }), current, credentials);
    }
    expect(threadRows(parley, ACCOUNT, order.id)).toHaveLength(3);
    const read = await parley.api.get(orderPath(ACCOUNT, order.id), { token: seller.token });
    expect(read.body.data.credentials).toBe('v3');
  });

  it('ignores unknown fields in the body: only the credentials change', async () => {
    const { seller, order } = await parley.fixtures.scenario('pending');
    const res = await parley.api.patch(credentialsPath(order.id), { credentials: 'only this', status: 'refunded', title: 'x' }, { token: seller.token });
    expectUpdated(res, order, 'only this');
    expect(orderRow(parley, order.id)).toMatchObject({ status: 'pending', title: order.title });
  });

  it('accepts a form body, as curl -d sends it', async () => {
    const { seller, order } = await parley.fixtures.scenario('pending');
    const res = await parley.api.patch(credentialsPath(order.id), undefined, {
      token: seller.token,
      raw: 'credentials=login%3A+form+%2F+pass%3A+f',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expectUpdated(res, order, 'login: form / pass: f');
  });

  it("changes only this order: the seller's other orders keep their credentials", async () => {
    const { seller, buyer, order } = await parley.fixtures.scenario('pending', { credentials: 'a' });
    const other = await parley.fixtures.order(seller, buyer, { credentials: 'b' });
    const otherRow = orderRow(parley, other.id);
    expectUpdated(await parley.api.patch(credentialsPath(order.id), { credentials: 'a2' }, { token: seller.token }), order, 'a2');
    expect(orderRow(parley, other.id)).toEqual(otherRow);
    expect(threadRows(parley, ACCOUNT, other.id)).toEqual([]);
  });
});
