import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiResponse } from '../../support/api-client.js';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { keyedSend, messagesPath, simultaneousPosts, storedTexts } from './helpers.js';

const IN_FLIGHT = 'A request with this Idempotency-Key is still being processed; retry once it has finished.';
const ANSWER_LOST = 'The request with this Idempotency-Key was applied, but its answer was lost (the server stopped before replying); it will not be applied again. Read the resource to see its state.';

let parley: TestParley;
let second: TestParley;
beforeAll(async () => {
  // Two instances on one database (a SQLite file, or one PostgreSQL database), one sealing key.
  const key = randomBytes(32).toString('hex');
  parley = await startTestParley({ PARLEY_ENCRYPTION_KEY: key });
  const url = parley.database.dialect === 'sqlite' ? parley.database.file : parley.database.url;
  second = await startTestParley({ DATABASE_URL: url, PARLEY_ENCRYPTION_KEY: key, PARLEY_ADMIN_TOKEN: parley.adminToken });
});
afterAll(async () => {
  await second?.close();
  await parley?.close();
});

/** Each answer as fresh (applied here), replayed, or refused 409. */
function outcome(res: ApiResponse): 'fresh' | 'replayed' | 'conflict' {
  if (res.status === 409) return 'conflict';
  expect(res.status, res.text).toBe(200);
  return res.headers.get('idempotent-replayed') === 'true' ? 'replayed' : 'fresh';
}

describe('Idempotency-Key -> 409', () => {
  it('refuses retries that arrive while the first request is still running, and sends once', async () => {
    const scenario = await parley.fixtures.scenario('pending');
    const key = randomUUID();
    const headers = { authorization: `Bearer ${scenario.seller.token}`, 'idempotency-key': key };
    const answers = await simultaneousPosts(parley.url, messagesPath(scenario), headers, '{"message":"at once"}', 4);
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses[0]).toBe(200);
    expect(statuses).toContain(409);
    for (const answer of answers.filter((a) => a.status === 409)) expect(answer.body.message).toBe(IN_FLIGHT);
    expect(storedTexts(parley, scenario)).toEqual(['at once']);
  });

  it('two instances racing one key: one applies it, the other answers 409 or the replay', async () => {
    const scenario = await parley.fixtures.scenario('pending');
    const rounds = 12;
    for (let round = 0; round < rounds; round++) {
      const key = randomUUID();
      const answers = await Promise.all([
        keyedSend(parley, scenario, key, `round ${round}`),
        keyedSend(parley, scenario, key, `round ${round}`, second.api),
      ]);
      const outcomes = answers.map(outcome).sort();
      expect(outcomes.filter((o) => o === 'fresh'), `round ${round}: ${outcomes.join(', ')}`).toHaveLength(1);
    }
    // Every round's message once, whichever instance wrote it.
    expect(storedTexts(parley, scenario)).toEqual(Array.from({ length: rounds }, (_, round) => `round ${round}`));
  });

  it('refuses, never re-applies, a key whose write committed but whose answer was lost', async () => {
    const scenario = await parley.fixtures.scenario('pending');
    const key = randomUUID();
    expect((await keyedSend(parley, scenario, key, 'lost answer')).status).toBe(200);
    // What a crash between the commit and the stored answer leaves (sigkill.test.ts does it for real).
    parley.writeDb((db) => db.prepare('update idempotency_keys set status = null, body = null where idempotency_key = ?').run(key));
    const retry = await keyedSend(parley, scenario, key, 'lost answer');
    expect(retry.status).toBe(409);
    expect(retry.body.message).toBe(ANSWER_LOST);
    expect(storedTexts(parley, scenario)).toEqual(['lost answer']);
  });
});
