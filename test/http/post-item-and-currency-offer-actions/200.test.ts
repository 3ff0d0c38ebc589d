import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { expectError, expectValidationError, MESSAGES } from '../post-order-complete/helpers.js';
import { createOffer, OFFER_KINDS } from '../post-item-and-currency-offers/helpers.js';

let parley: TestParley;
let game: { id: number };
beforeAll(async () => {
  parley = await startTestParley();
  game = await parley.fixtures.game();
});
afterAll(() => parley.close());

describe.each(OFFER_KINDS)('POST $path/{id}/list|draft|archive', (kind) => {
  const act = (id: number, action: string, token: string) => parley.api.post(`${kind.path}/${id}/${action}`, undefined, { token });

  it('-> 200: moves draft -> listed -> draft -> archived -> listed with {data, message, action, previous_status}', async () => {
    const seller = await parley.fixtures.user('seller');
    const offer = await createOffer(parley, seller, kind, game.id);
    const listed = await act(offer.id, 'list', seller.token);
    expect(listed.status, listed.text).toBe(200);
    expect(Object.keys(listed.body)).toEqual(['data', 'message', 'action', 'previous_status']);
    expect(listed.body).toMatchObject({ message: `${kind.label} listed successfully.`, action: 'list', previous_status: 'draft' });
    expect(listed.body.data).toMatchObject({ status: 'listed', listed_at: expect.any(Number) });
    const drafted = await act(offer.id, 'draft', seller.token);
    expect(drafted.body).toMatchObject({ message: `${kind.label} moved to drafts successfully.`, action: 'draft', previous_status: 'listed', data: { status: 'draft' } });
    const archived = await act(offer.id, 'archive', parley.adminToken);
    expect(archived.body).toMatchObject({ message: `${kind.label} archived successfully.`, action: 'archive', previous_status: 'draft', data: { status: 'archived' } });
    const relisted = await act(offer.id, 'list', seller.token);
    expect(relisted.body).toMatchObject({ previous_status: 'archived', data: { status: 'listed' } });
    expect((await parley.api.get(`${kind.path}?filter[status]=listed`, { token: seller.token })).body.data.map((o: { id: number }) => o.id)).toEqual([offer.id]);
  });

  it('-> 422: the status the offer already has, and listing without stock', async () => {
    const seller = await parley.fixtures.user('seller');
    const offer = await createOffer(parley, seller, kind, game.id, { stock: 0 });
    const label = `${kind.kind} offer`;
    expectValidationError(await act(offer.id, 'draft', seller.token), { status: [`The ${label} is already a draft.`] });
    expectValidationError(await act(offer.id, 'list', seller.token), { stock: [`The ${label} has no stock: raise its stock before listing it.`] });
    expect((await act(offer.id, 'archive', seller.token)).status).toBe(200);
    expectValidationError(await act(offer.id, 'archive', seller.token), { status: [`The ${label} is already archived.`] });
  });

  it("-> 404: another seller's offer, an unknown id, a malformed id", async () => {
    const owner = await parley.fixtures.user('seller');
    const other = await parley.fixtures.user('seller');
    const offer = await createOffer(parley, owner, kind, game.id);
    for (const action of ['list', 'draft', 'archive']) {
      expectError(await act(offer.id, action, other.token), 404, MESSAGES.notFound);
      expectError(await parley.api.post(`${kind.path}/abc/${action}`, undefined, { token: owner.token }), 404, MESSAGES.notFound);
    }
    expect((await parley.api.get(`${kind.path}/${offer.id}`, { token: owner.token })).body.data.status).toBe('draft');
  });
});
