import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CredentialCipher } from '../../../src/store/credential-cipher.js';
import { startTestParley, testDialect, type TestParley } from '../../support/parley.js';
import { createTestDatabase } from '../../support/test-db.js';
import { ACCOUNT_ORDERS } from '../../support/order-kinds.js';

/**
 * Sealed values (order credentials, webhook secrets) are bound to their table, column and row:
 * whoever can write the database but has not the key cannot move one order's credentials into
 * another order, or a secret into another endpoint or column, and have Parley serve it. And the
 * unbound values of earlier versions are re-sealed at start-up, once.
 */
const KEY = randomBytes(32);
const cipher = new CredentialCipher(KEY);

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley({ PARLEY_ENCRYPTION_KEY: KEY.toString('hex') });
});
afterAll(() => parley?.close());

const storedCredentials = (p: TestParley, id: number) =>
  (p.readDb((db) => db.prepare('select credentials from orders where id = ?').get(id)) as { credentials: string }).credentials;
const setColumn = (p: TestParley, table: string, column: string, id: number, value: string | null) =>
  p.writeDb((db) => db.prepare(`update ${table} set ${column} = ? where id = ?`).run(value, id));
const storedSecrets = (p: TestParley, id: number) =>
  p.readDb((db) => db.prepare('select secret, previous_secret from webhook_endpoints where id = ?').get(id)) as { secret: string; previous_secret: string | null };

/** 500 is not in the document (the client would refuse it): straight through fetch. */
async function rawGet(p: TestParley, path: string): Promise<{ status: number; text: string }> {
  const res = await fetch(`${p.url}${path}`, { headers: { authorization: `Bearer ${p.adminToken}` } });
  return { status: res.status, text: await res.text() };
}

async function orderWithCredentials(p: TestParley, credentials: string): Promise<number> {
  const seller = await p.fixtures.user('seller');
  const buyer = await p.fixtures.user('buyer');
  return (await p.fixtures.order(seller, buyer, { status: 'delivered', credentials })).id;
}

describe('order credentials', () => {
  it('are stored bound to their row: copied into another order, they no longer open (500), back in place they do', async () => {
    const a = await orderWithCredentials(parley, 'login A / pass A');
    const b = await orderWithCredentials(parley, 'login B / pass B');
    const sealedA = storedCredentials(parley, a);
    const sealedB = storedCredentials(parley, b);
    expect(sealedA.startsWith('v2:')).toBe(true);
    expect(sealedA).not.toContain('pass A');

    setColumn(parley, 'orders', 'credentials', b, sealedA);
    const moved = await rawGet(parley, `${ACCOUNT_ORDERS.path}/${b}`);
    expect(moved.status).toBe(500);
    expect(moved.text).not.toContain('pass A');

    setColumn(parley, 'orders', 'credentials', b, sealedB);
    const restored = await parley.admin.get(`${ACCOUNT_ORDERS.path}/${b}`);
    expect(restored.status).toBe(200);
    expect(restored.body.data.credentials).toBe('login B / pass B');
  });

  it('replaced through the API are sealed for the same row', async () => {
    const id = await orderWithCredentials(parley, 'first');
    const res = await parley.admin.patch(`${ACCOUNT_ORDERS.path}/${id}/credentials`, { credentials: 'second' });
    expect(res.status, res.text).toBe(200);
    expect(cipher.decrypt(storedCredentials(parley, id), { table: 'orders', column: 'credentials', id })).toBe('second');
    expect(() => cipher.decrypt(storedCredentials(parley, id), { table: 'orders', column: 'credentials', id: id + 1 })).toThrow();
  });
});

describe('webhook endpoint secrets', () => {
  it('open only in their own row and column', async () => {
    const seller = await parley.fixtures.user('seller');
    const path = `/admin/v1/users/${seller.id}/webhook-endpoints`;
    const one = (await parley.admin.post(path, { url: 'https://example.com/one', events: ['order.message.created'] })).body.data;
    const two = (await parley.admin.post(path, { url: 'https://example.com/two', events: ['order.message.created'] })).body.data;
    const sealedOne = storedSecrets(parley, one.id).secret;
    const sealedTwo = storedSecrets(parley, two.id).secret;
    expect(sealedOne.startsWith('v2:')).toBe(true);
    expect(cipher.decrypt(sealedOne, { table: 'webhook_endpoints', column: 'secret', id: one.id })).toBe(one.secret);
    expect((await parley.admin.get(path)).status).toBe(200);

    // Another endpoint's secret in this row.
    setColumn(parley, 'webhook_endpoints', 'secret', two.id, sealedOne);
    expect((await rawGet(parley, path)).status).toBe(500);
    setColumn(parley, 'webhook_endpoints', 'secret', two.id, sealedTwo);
    expect((await parley.admin.get(path)).status).toBe(200);

    // The row's own secret moved to its previous_secret column.
    setColumn(parley, 'webhook_endpoints', 'previous_secret', one.id, sealedOne);
    expect((await rawGet(parley, path)).status).toBe(500);
    setColumn(parley, 'webhook_endpoints', 'previous_secret', one.id, null);
    expect((await parley.admin.get(path)).status).toBe(200);

    // A rotation seals the outgoing secret for the previous_secret column of the same row.
    const rotated = await parley.admin.post(`/admin/v1/webhook-endpoints/${one.id}/rotate-secret`, {});
    expect(rotated.status, rotated.text).toBe(200);
    const after = storedSecrets(parley, one.id);
    expect(cipher.decrypt(after.previous_secret!, { table: 'webhook_endpoints', column: 'previous_secret', id: one.id })).toBe(one.secret);
    expect(cipher.decrypt(after.secret, { table: 'webhook_endpoints', column: 'secret', id: one.id })).toBe(rotated.body.data.secret);
  });
});

describe('values sealed before row binding (v1)', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let url: string;
  beforeAll(async () => {
    database = await createTestDatabase(testDialect());
    url = database.config.dialect === 'sqlite' ? database.config.file : database.config.url;
  });
  afterAll(() => database?.drop());

  it('are re-sealed bound to their rows at the next start, once, and keep reading back', async () => {
    const env = { DATABASE_URL: url, PARLEY_ENCRYPTION_KEY: KEY.toString('hex') };
    let server = await startTestParley(env);
    let orderId: number;
    let endpoint: { id: number; secret: string };
    try {
      orderId = await orderWithCredentials(server, 'legacy login');
      const seller = await server.fixtures.user('seller');
      endpoint = (await server.admin.post(`/admin/v1/users/${seller.id}/webhook-endpoints`, { url: 'https://example.com/legacy', events: ['order.message.created'] })).body.data;
      // As an earlier version stored them, with the task migration 0006 leaves for start-up.
      setColumn(server, 'orders', 'credentials', orderId, cipher.encryptLegacy('legacy login'));
      setColumn(server, 'webhook_endpoints', 'secret', endpoint.id, cipher.encryptLegacy(endpoint.secret));
      setColumn(server, 'webhook_endpoints', 'previous_secret', endpoint.id, cipher.encryptLegacy('whsec_old'));
      // Unbound values still open (written by an instance of an earlier version during a rolling upgrade).
      expect((await server.admin.get(`${ACCOUNT_ORDERS.path}/${orderId}`)).body.data.credentials).toBe('legacy login');
      server.writeDb((db) => db.prepare(`insert into startup_tasks (name) values ('reseal_bound_to_row')`).run());
    } finally {
      await server.close();
    }

    server = await startTestParley(env);
    try {
      const credentials = storedCredentials(server, orderId);
      expect(credentials.startsWith('v2:')).toBe(true);
      expect(cipher.decrypt(credentials, { table: 'orders', column: 'credentials', id: orderId })).toBe('legacy login');
      const secrets = storedSecrets(server, endpoint.id);
      expect(cipher.decrypt(secrets.secret, { table: 'webhook_endpoints', column: 'secret', id: endpoint.id })).toBe(endpoint.secret);
      expect(cipher.decrypt(secrets.previous_secret!, { table: 'webhook_endpoints', column: 'previous_secret', id: endpoint.id })).toBe('whsec_old');
      expect(server.readDb((db) => db.prepare('select name from startup_tasks').all())).toEqual([]);
      const order = await server.admin.get(`${ACCOUNT_ORDERS.path}/${orderId}`);
      expect(order.status).toBe(200);
      expect(order.body.data.credentials).toBe('legacy login');
    } finally {
      await server.close();
    }
  });
});
