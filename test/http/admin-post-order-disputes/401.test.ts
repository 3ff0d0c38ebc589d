import { afterAll, beforeAll, describe, it } from 'vitest';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { expectError, MESSAGES } from '../post-order-complete/helpers.js';
import { adminActionPath, adminOpenPath, OPEN_BODY } from '../dispute-support/helpers.js';
import { ACCOUNT_ORDERS } from '../../support/order-kinds.js';

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley();
});
afterAll(() => parley.close());

describe('POST /admin/v1/{kind}-orders/{id}/disputes and /admin/v1/order-disputes/{id}/* -> 401', () => {
  it('answers "Unauthenticated." without a key and with a bad one', async () => {
    const { order } = await parley.fixtures.scenario('delivered');
    const paths = [adminOpenPath(ACCOUNT_ORDERS, order.id), ...(['buyer-reply', 'buyer-accept', 'buyer-escalate', 'resolve'] as const).map((a) => adminActionPath(1, a))];
    for (const path of paths) {
      expectError(await parley.api.post(path, OPEN_BODY), 401, MESSAGES.unauthenticated);
      expectError(await parley.api.post(path, OPEN_BODY, { token: 'bad' }), 401, MESSAGES.unauthenticated);
    }
  });
});
