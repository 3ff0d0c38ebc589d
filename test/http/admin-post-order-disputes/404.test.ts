import { afterAll, beforeAll, describe, it } from 'vitest';
import { kindCase } from '../../support/order-kinds.js';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { expectError, MESSAGES } from '../post-order-complete/helpers.js';
import { adminOpenPath, OPEN_BODY } from '../dispute-support/helpers.js';

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley();
});
afterAll(() => parley.close());

describe('POST /admin/v1/{kind}-orders/{id}/disputes -> 404', () => {
  it('answers 404 for no such order, an order of another kind, and ids that are not ids, before the body is checked', async () => {
    const { order } = await parley.fixtures.scenario('delivered');
    for (const path of [adminOpenPath(kindCase('account'), order.id + 1000), adminOpenPath(kindCase('item'), order.id), adminOpenPath(kindCase('currency'), 'x')]) {
      expectError(await parley.admin.post(path, OPEN_BODY), 404, MESSAGES.notFound);
      expectError(await parley.admin.post(path, {}), 404, MESSAGES.notFound);
    }
  });
});
