import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '../../src/domain/api-keys.js';
import { ManualClock } from '../support/manual-clock.js';
import { startTestParley, type TestParley } from '../support/parley.js';

/**
 * The authenticator's synchronous path (`authenticateCached`) answers only what the asynchronous
 * one would, for keys fresh in the cache; everything else is left to `authenticate`.
 */
describe('ApiKeyAuthenticator.authenticateCached', () => {
  let parley: TestParley;
  // The application's clock: last-used times and expiry follow it, not the wall clock.
  const clock = new ManualClock(Date.UTC(2029, 2, 3, 4, 5, 6));
  beforeAll(async () => {
    parley = await startTestParley({ PARLEY_AUTH_CACHE_SECONDS: '600' }, { clock });
  });
  afterAll(() => parley.close());
  const authenticator = () => parley.running.app.parley.authenticator;

  it('answers nothing for a key not resolved yet, then the very actor authenticate gives', async () => {
    const seller = await parley.fixtures.user('seller');
    const header = `Bearer ${seller.token}`;
    expect(authenticator().authenticateCached(header)).toBeUndefined();
    const actor = await authenticator().authenticate(header);
    expect(actor).toMatchObject({ apiKeyId: seller.keyId, isAdmin: false, user: { id: seller.id } });
    expect(authenticator().authenticateCached(header)).toBe(actor);
    // The cache is keyed by the header as sent: another spelling of the same key is parsed once
    // by authenticate, and then answered from the cache too, as the same actor.
    const otherSpelling = `bearer   ${seller.token}  `;
    expect(authenticator().authenticateCached(otherSpelling)).toBeUndefined();
    expect(await authenticator().authenticate(otherSpelling)).toBe(actor);
    expect(authenticator().authenticateCached(otherSpelling)).toBe(actor);
    expect(await authenticator().authenticate(header)).toBe(actor);
  });

  it('leaves to authenticate: a forgotten (revoked) key, an expired one, a due last-used time, the admin token, no or a malformed header', async () => {
    const seller = await parley.fixtures.user('seller');
    const header = `Bearer ${seller.token}`;
    await authenticator().authenticate(header);
    expect(authenticator().authenticateCached(header)).toBeDefined();
    // last_used_at is written at most once a minute: a send a minute later must go the slow way.
    clock.advance(61_000);
    expect(authenticator().authenticateCached(header)).toBeUndefined();
    expect(authenticator().authenticateCached(undefined)).toBeUndefined();
    expect(authenticator().authenticateCached(`Basic ${seller.token}`)).toBeUndefined();
    expect(authenticator().authenticateCached(`Bearer ${parley.adminToken}`)).toBeUndefined();
    expect((await authenticator().authenticate(`Bearer ${parley.adminToken}`)).isAdmin).toBe(true);
    authenticator().forgetKey(hashToken(seller.token));
    expect(authenticator().authenticateCached(header)).toBeUndefined();

    const expiresAt = clock.now() + 30;
    const key = await parley.admin.post(`/admin/v1/users/${seller.id}/api-keys`, { name: 'short-lived', expires_at: expiresAt });
    const shortLived = `Bearer ${key.body.data.token as string}`;
    await authenticator().authenticate(shortLived);
    clock.advance(29_000);
    expect(authenticator().authenticateCached(shortLived)).toBeDefined();
    clock.advance(1_000);
    expect(authenticator().authenticateCached(shortLived)).toBeUndefined();
    await expect(authenticator().authenticate(shortLived)).rejects.toThrow();
  });
});

describe('ApiKeyAuthenticator and a revocation that arrives while the key is read', () => {
  let parley: TestParley;
  beforeAll(async () => {
    parley = await startTestParley({ PARLEY_AUTH_CACHE_SECONDS: '600' });
  });
  afterAll(() => parley.close());

  it('does not cache what it read before the forget: the next request reads the key again and is refused', async () => {
    const authenticator = parley.running.app.parley.authenticator;
    const seller = await parley.fixtures.user('seller');
    const header = `Bearer ${seller.token}`;
    // The read starts now and sees the key unrevoked; the revocation's forget comes before it ends.
    const reading = authenticator.authenticate(header);
    authenticator.forgetKey(hashToken(seller.token));
    expect((await reading).apiKeyId).toBe(seller.keyId);
    expect(authenticator.authenticateCached(header)).toBeUndefined();
    expect((await parley.admin.delete(`/admin/v1/api-keys/${seller.keyId}`)).status).toBe(204);
    await expect(authenticator.authenticate(header)).rejects.toThrow();
  });
});

describe('ApiKeyAuthenticator.authenticateCached with the auth cache off', () => {
  let parley: TestParley;
  beforeAll(async () => {
    parley = await startTestParley({ PARLEY_AUTH_CACHE_SECONDS: '0' });
  });
  afterAll(() => parley.close());

  it('never answers: every request reads the key', async () => {
    const seller = await parley.fixtures.user('seller');
    const header = `Bearer ${seller.token}`;
    await parley.running.app.parley.authenticator.authenticate(header);
    expect(parley.running.app.parley.authenticator.authenticateCached(header)).toBeUndefined();
  });
});
