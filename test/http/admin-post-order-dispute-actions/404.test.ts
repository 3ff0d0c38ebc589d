import { afterAll, beforeAll, describe, it } from 'vitest';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { expectError, MESSAGES } from '../post-order-complete/helpers.js';
import { adminActionPath } from '../dispute-support/helpers.js';

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley();
});
afterAll(() => parley.close());

describe('POST /admin/v1/order-disputes/{id}/{buyer-reply,buyer-accept,buyer-escalate,resolve} -> 404', () => {
  it.each(['buyer-reply', 'buyer-accept', 'buyer-escalate', 'resolve'] as const)('%s: 404 for no such case, even with a bad body', async (action) => {
    for (const id of ['12345', '0', 'abc']) {
      expectError(await parley.admin.post(adminActionPath(id, action), { message: 'x', outcome: 'refund' }), 404, MESSAGES.notFound);
      expectError(await parley.admin.post(adminActionPath(id, action), { message: 7, outcome: 'nope' }), 404, MESSAGES.notFound);
    }
  });
});
