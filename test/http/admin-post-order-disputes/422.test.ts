import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kindCase } from '../../support/order-kinds.js';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { expectValidationError, orderRow, threadRows } from '../post-order-complete/helpers.js';
import { adminOpenPath, OPEN_BODY, openCase } from '../dispute-support/helpers.js';

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley();
});
afterAll(() => parley.close());

const ACCOUNT = kindCase('account');
const cases = () => parley.readDb((db) => (db.prepare('select count(*) as n from dispute_cases').get() as { n: number }).n);

describe('POST /admin/v1/{kind}-orders/{id}/disputes -> 422', () => {
  it.each([
    ['no body', {}, {
      reason: ['The reason field is required.'], explanation: ['The explanation field is required.'], preferred_resolution: ['The preferred resolution field is required.'],
    }],
    ['unknown enums', { ...OPEN_BODY, reason: 'angry', preferred_resolution: 'cash' }, {
      reason: ['The selected reason is invalid.'], preferred_resolution: ['The selected preferred resolution is invalid.'],
    }],
    ['a long explanation and note (code points)', { ...OPEN_BODY, explanation: '🙂'.repeat(2001), preferred_resolution_note: 'x'.repeat(1001) }, {
      explanation: ['The explanation field must not be greater than 2000 characters.'],
      preferred_resolution_note: ['The preferred resolution note field must not be greater than 1000 characters.'],
    }],
    ['bad evidence', { ...OPEN_BODY, evidence_urls: ['javascript:alert(1)'] }, { 'evidence_urls.0': ['The evidence urls.0 field format is invalid.'] }],
    ['deadline hours out of range', { ...OPEN_BODY, seller_response_hours: 0, buyer_response_hours: 721 }, {
      seller_response_hours: ['The seller response hours field must be at least 1.'],
      buyer_response_hours: ['The buyer response hours field must not be greater than 720.'],
    }],
    ['fractional hours', { ...OPEN_BODY, seller_response_hours: 1.5 }, { seller_response_hours: ['The seller response hours field must be an integer.'] }],
  ])('refuses %s, naming each field, and opens nothing', async (_name, body, errors) => {
    const { order } = await parley.fixtures.scenario('delivered');
    const before = cases();
    expectValidationError(await parley.admin.post(adminOpenPath(ACCOUNT, order.id), body), errors);
    expect(cases()).toBe(before);
    expect(orderRow(parley, order.id)).toMatchObject({ is_disputed: 0, dispute_case_id: null });
    expect(threadRows(parley, ACCOUNT, order.id)).toEqual([]);
  });

  it("refuses a reason of another order kind (an item order's reason on an account order)", async () => {
    const { order } = await parley.fixtures.scenario('delivered');
    expectValidationError(await parley.admin.post(adminOpenPath(ACCOUNT, order.id), { ...OPEN_BODY, reason: 'item_not_received' }), {
      reason: ['The selected reason is invalid.'],
    });
    const item = await parley.fixtures.scenario('delivered', {}, kindCase('item'));
    expectValidationError(await parley.admin.post(adminOpenPath(kindCase('item'), item.order.id), OPEN_BODY), { reason: ['The selected reason is invalid.'] });
  });

  it('refuses a refunded order, and a second case while one is open', async () => {
    const refunded = await parley.fixtures.scenario('refunded');
    expectValidationError(await parley.admin.post(adminOpenPath(ACCOUNT, refunded.order.id), OPEN_BODY), { order: ['A refunded order cannot be disputed.'] });
    const { order } = await parley.fixtures.scenario('delivered');
    const first = await openCase(parley, order.id);
    const before = cases();
    expectValidationError(await parley.admin.post(adminOpenPath(ACCOUNT, order.id), OPEN_BODY), { order: ['The order already has an open dispute.'] });
    expect(cases()).toBe(before);
    expect(orderRow(parley, order.id)).toMatchObject({ dispute_case_id: first.id });
  });

  it('keeps the admin PATCH off a locked order: status and dispute fields change only through the case', async () => {
    const { order } = await parley.fixtures.scenario('in_delivery');
    const open = await openCase(parley, order.id);
    const locked = `The order is locked by open dispute case ${open.id}: it changes through the case.`;
    expectValidationError(await parley.admin.patch(`${ACCOUNT.adminPath}/${order.id}`, { status: 'delivered', is_disputed: false }), {
      status: [locked], is_disputed: [locked],
    });
    expectValidationError(await parley.admin.patch(`${ACCOUNT.adminPath}/${order.id}`, { dispute_case_id: null }), { dispute_case_id: [locked] });
    expect(orderRow(parley, order.id)).toMatchObject({ status: 'in_delivery', is_disputed: 1, dispute_case_id: open.id });
    // A rating is no part of the case.
    const rated = await parley.admin.patch(`${ACCOUNT.adminPath}/${order.id}`, { rating: { rating: 4 } });
    expect(rated.status, rated.text).toBe(200);
  });
});
