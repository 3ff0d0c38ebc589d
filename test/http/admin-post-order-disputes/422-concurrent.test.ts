import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNT_ORDERS } from '../../support/order-kinds.js';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { orderRow, threadRows } from '../post-order-complete/helpers.js';
import { adminOpenPath, OPEN_BODY } from '../dispute-support/helpers.js';

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley();
});
afterAll(() => parley.close());

describe('POST /admin/v1/account-orders/{id}/disputes, sent together -> one 201, the rest 422', () => {
  it('opens exactly one case when several opens race on one order', async () => {
    const { order } = await parley.fixtures.scenario('delivered');
    const answers = await Promise.all(Array.from({ length: 6 }, () => parley.admin.post(adminOpenPath(ACCOUNT_ORDERS, order.id), OPEN_BODY)));
    expect(answers.map((a) => a.status).sort()).toEqual([201, 422, 422, 422, 422, 422]);
    for (const a of answers.filter((x) => x.status === 422)) expect(a.body.errors).toEqual({ order: ['The order already has an open dispute.'] });
    const opened = answers.find((a) => a.status === 201)!.body.data;
    expect(parley.readDb((db) => db.prepare('select id from dispute_cases where order_id = ?').all(order.id))).toEqual([{ id: opened.id }]);
    expect(orderRow(parley, order.id)).toMatchObject({ dispute_case_id: opened.id, is_disputed: 1 });
    expect(threadRows(parley, ACCOUNT_ORDERS, order.id)).toHaveLength(1);
  });
});
