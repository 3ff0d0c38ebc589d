import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AUTO_COMPLETE_AFTER_MS, AUTO_COMPLETE_JOB, AUTO_COMPLETED_TEXT, BUYER_CONFIRMED_TEXT, confirmOrder } from '../../src/domain/auto-complete.js';
import { replaceOrderCredentials } from '../../src/domain/order-actions.js';
import { changeOrder, createOrder } from '../../src/domain/orders.js';
import { openDispute } from '../../src/domain/disputes.js';
import type { OrderKind, OrderRecord } from '../../src/domain/ports.js';
import { actorFor, type Actor } from '../../src/domain/users.js';
import { openHarness, type Harness } from './harness.js';

/** The account order's auto-completion 24 hours after delivery, on a manual clock. */
let h: Harness;
let seller: Actor;
let buyer: Actor;
const settings = { eurUsdRate: 1.08 };

beforeEach(async () => {
  h = await openHarness();
  await h.store.games.create({ name: 'Game', slug: 'game' });
  seller = actorFor(await h.store.users.create({ username: 'seller', role: 'seller', created_at: 0 }), null);
  buyer = actorFor(await h.store.users.create({ username: 'buyer', role: 'buyer', created_at: 0 }), null);
});
afterEach(() => h.close());

const order = (fields: { status?: 'pending' | 'in_delivery' | 'delivered'; credentials?: string | null; kind?: OrderKind } = {}) =>
  createOrder(h.store, {
    kind: fields.kind ?? 'account', seller_id: seller.user.id, buyer_id: buyer.user.id, title: 'An account', price: '5.00',
    status: fields.status ?? 'in_delivery', credentials: fields.credentials === undefined ? 'login: a / pass: b' : fields.credentials,
  }, settings);
const reload = async (o: OrderRecord) => (await h.store.orders.findById(o.kind, o.id))!;
const thread = async (o: OrderRecord) => (await h.store.messages.listThread(o.kind, o.id)).map((m) => m.text);
/** System messages saying the order completed, over every order. */
const completions = () => h.db.sqlite!.writer.connection
  .prepare("select count(*) as n from messages where text in (?, ?)").get(AUTO_COMPLETED_TEXT, BUYER_CONFIRMED_TEXT) as { n: number };
const hour = 3600_000;

describe('auto-completion of account orders', () => {
  it('completes a delivered order exactly 24 hours after delivery, as a buyer confirmation would', async () => {
    const o = await order();
    expect(await h.store.jobs.find(AUTO_COMPLETE_JOB, `account:${o.id}`)).toMatchObject({ dueAtMs: h.clock.nowMs() + AUTO_COMPLETE_AFTER_MS });
    h.clock.advance(AUTO_COMPLETE_AFTER_MS - 1);
    expect(await h.scheduler.runDue()).toBe(0);
    expect((await reload(o)).status).toBe('in_delivery');
    h.clock.advance(1);
    expect(await h.scheduler.runDue()).toBe(1);
    const done = await reload(o);
    expect(done).toMatchObject({ status: 'delivered', completed_at: h.clock.now(), updated_at: h.clock.now() });
    expect((await thread(o)).at(-1)).toBe(AUTO_COMPLETED_TEXT);
    expect(await h.store.jobs.find(AUTO_COMPLETE_JOB, `account:${o.id}`)).toBeUndefined();
    // Nothing left to run: running again changes nothing.
    h.clock.advance(AUTO_COMPLETE_AFTER_MS);
    expect(await h.scheduler.runDue()).toBe(0);
    expect((await thread(o)).filter((t) => t === AUTO_COMPLETED_TEXT)).toHaveLength(1);
  });

  it('starts the 24 hours again when the seller delivers new credentials', async () => {
    const o = await order();
    h.clock.advance(20 * hour);
    await replaceOrderCredentials(h.store, seller, 'account', o.id, 'login: new / pass: new');
    h.clock.advance(5 * hour);
    expect(await h.scheduler.runDue()).toBe(0);
    expect((await reload(o)).status).toBe('in_delivery');
    h.clock.advance(19 * hour);
    expect(await h.scheduler.runDue()).toBe(1);
    expect((await reload(o)).completed_at).toBe(h.clock.now());
  });

  it('schedules nothing for orders without credentials, closed ones, or other kinds, until credentials arrive', async () => {
    const manual = await order({ status: 'pending', credentials: null });
    const item = await order({ kind: 'item', credentials: null });
    const closed = await order({ status: 'delivered' });
    for (const o of [manual, item, closed]) expect(await h.store.jobs.find(AUTO_COMPLETE_JOB, `${o.kind}:${o.id}`)).toBeUndefined();
    h.clock.advance(hour);
    await replaceOrderCredentials(h.store, seller, 'account', manual.id, 'delivered by hand');
    h.clock.advance(AUTO_COMPLETE_AFTER_MS);
    expect(await h.scheduler.runDue()).toBe(1);
    expect((await reload(manual)).status).toBe('delivered');
  });

  it('is cancelled by the buyer confirming, and a no-op after an admin completion or refund', async () => {
    const confirmed = await order();
    const completed = await order();
    const refunded = await order();
    await confirmOrder(h.store, buyer, 'account', confirmed.id);
    expect((await thread(confirmed)).at(-1)).toBe(BUYER_CONFIRMED_TEXT);
    expect(await h.store.jobs.find(AUTO_COMPLETE_JOB, `account:${confirmed.id}`)).toBeUndefined();
    await changeOrder(h.store, 'account', completed.id, { status: 'delivered' });
    await changeOrder(h.store, 'account', refunded.id, { status: 'refunded' });
    expect(completions().n).toBe(1);
    h.clock.advance(AUTO_COMPLETE_AFTER_MS);
    expect(await h.scheduler.runDue()).toBe(2);
    expect((await reload(refunded)).status).toBe('refunded');
    expect((await reload(completed)).completed_at).toBe(h.clock.now() - AUTO_COMPLETE_AFTER_MS / 1000);
    expect(completions().n).toBe(1);
  });

  it('does not complete a disputed order', async () => {
    const o = await order();
    await openDispute(h.store, 'account', o.id, { reason: 'account_not_as_described', explanation: 'Wrong rank', preferred_resolution: 'refund', seller_response_hours: 720 });
    h.clock.advance(AUTO_COMPLETE_AFTER_MS);
    await h.scheduler.runDue();
    expect((await reload(o)).status).toBe('in_delivery');
  });

  it('lets only the buyer confirm, and only a delivered, undisputed account order', async () => {
    const o = await order();
    await expect(confirmOrder(h.store, seller, 'account', o.id)).rejects.toThrow('This action is unauthorized.');
    const manual = await order({ status: 'pending', credentials: null });
    await expect(confirmOrder(h.store, buyer, 'account', manual.id)).rejects.toThrow(/once the credentials are delivered/);
    await confirmOrder(h.store, buyer, 'account', o.id);
    await expect(confirmOrder(h.store, buyer, 'account', o.id)).rejects.toThrow(/once the credentials are delivered/);
  });
});
