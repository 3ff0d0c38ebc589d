import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { keyedSend, messagesPath, storedKeys, storedTexts } from './helpers.js';

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley();
});
afterAll(() => parley.close());

/** A database that refuses every new message (a trigger): the send fails with a 5xx. */
function failMessageInserts(on: boolean): void {
  const sqlite = parley.database.dialect === 'sqlite';
  const statements = on
    ? sqlite
      ? ["create trigger idem_fail before insert on messages begin select raise(abort, 'injected failure'); end"]
      : [
        "create function idem_fail() returns trigger language plpgsql as $$ begin raise exception 'injected failure'; end $$",
        'create trigger idem_fail before insert on messages for each row execute function idem_fail()',
      ]
    : sqlite ? ['drop trigger idem_fail'] : ['drop trigger idem_fail on messages', 'drop function idem_fail()'];
  parley.writeDb((db) => {
    for (const statement of statements) db.prepare(statement).run();
  });
}

describe('Idempotency-Key and a 5xx', () => {
  it('does not store a 5xx: the retry with the same key runs, and succeeds', async () => {
    const scenario = await parley.fixtures.scenario('pending');
    const key = randomUUID();
    failMessageInserts(true);
    let failed: Response;
    try {
      // fetch, not the API client: a 500 is no documented answer of the route.
      failed = await fetch(`${parley.url}${messagesPath(scenario)}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${scenario.seller.token}`, 'content-type': 'application/json', 'idempotency-key': key },
        body: JSON.stringify({ message: 'after a failure' }),
      });
    } finally {
      failMessageInserts(false);
    }
    expect(failed.status).toBeGreaterThanOrEqual(500);
    expect(storedKeys(parley).map((k) => k.idempotency_key)).not.toContain(key);
    const retry = await keyedSend(parley, scenario, key, 'after a failure');
    expect(retry.status).toBe(200);
    expect(retry.headers.get('idempotent-replayed')).toBeNull();
    expect(storedTexts(parley, scenario)).toEqual(['after a failure']);
  });
});
