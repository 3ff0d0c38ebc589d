import { afterAll, beforeAll, describe, it } from 'vitest';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { expectError, MESSAGES } from '../post-order-complete/helpers.js';
import { disputePath, disputeScenario } from '../dispute-support/helpers.js';

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley();
});
afterAll(() => parley.close());

describe('GET /v2/order-disputes/{id} -> 401', () => {
  it('answers "Unauthenticated." before looking the case up', async () => {
    const s = await disputeScenario(parley);
    for (const path of [disputePath(s.dispute.id), disputePath(999999), disputePath('abc')]) {
      expectError(await parley.api.get(path), 401, MESSAGES.unauthenticated);
      expectError(await parley.api.get(path, { token: 'not-a-key' }), 401, MESSAGES.unauthenticated);
    }
  });
});
