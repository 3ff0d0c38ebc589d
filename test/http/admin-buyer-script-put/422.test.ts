import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { ORDER_KIND_CASES } from '../../support/order-kinds.js';

let parley: TestParley;
let orderId: number;
let itemOrderId: number;
beforeAll(async () => {
  parley = await startTestParley();
  const { order, seller, buyer } = await parley.fixtures.scenario('pending');
  orderId = order.id;
  itemOrderId = (await parley.fixtures.order(seller, buyer, {}, ORDER_KIND_CASES.find((c) => c.kind === 'item')!)).id;
});
afterAll(() => parley.close());

const put = (json: unknown, path = `/admin/v1/account-orders/${orderId}/buyer-script`) => parley.admin.request('PUT', path, { json });
const invalid = (errors: Record<string, string[]>) => ({ message: 'The given data was invalid.', errors, request_id: expect.any(String) });

describe('PUT /admin/v1/{kind}-orders/{id}/buyer-script -> 422', () => {
  it.each([
    [{}, { script: ['The script field is required.'] }],
    [{ script: 'reply hi' }, { script: ['The script field must be an array.'] }],
    [{ script: Array(21).fill({ on: 'credentials', do: 'confirm' }) }, { script: ['The script field must not have more than 20 items.'] }],
    [{ script: ['hi'] }, { 'script.0': ['The script.0 field must be an object.'] }],
    [{ script: [{ do: 'confirm' }] }, { 'script.0.on': ['The script.0.on field is required.'] }],
    [{ script: [{ on: 'email', do: 'confirm' }] }, { 'script.0.on': ['The selected script.0.on is invalid.'] }],
    [{ script: [{ on: 'credentials' }] }, { 'script.0.do': ['The script.0.do field is required when reply is not present.'] }],
    [{ script: [{ on: 'credentials', do: 'refund' }] }, { 'script.0.do': ['The selected script.0.do is invalid.'] }],
    [{ script: [{ on: 'credentials', do: 'confirm' }, { on: 'message', after: -1, reply: 'x' }] }, { 'script.1.after': ['The script.1.after field must be at least 0.'] }],
    [{ script: [{ on: 'message', after: 1.5, reply: 'x' }] }, { 'script.0.after': ['The script.0.after field must be an integer.'] }],
    [{ script: [{ on: 'message', after: '30', reply: 'x' }] }, { 'script.0.after': ['The script.0.after field must be an integer.'] }],
    [{ script: [{ on: 'message', after: 2_592_001, reply: 'x' }] }, { 'script.0.after': ['The script.0.after field must not be greater than 2592000.'] }],
    [{ script: [{ on: 'silence', do: 'confirm' }] }, { 'script.0.after': ['The script.0.after field is required when on is silence.'] }],
    [{ script: [{ on: 'silence', after: 0, do: 'confirm' }] }, { 'script.0.after': ['The script.0.after field must be at least 1.'] }],
    [{ script: [{ on: 'credentials', match: 'x', do: 'confirm' }] }, { 'script.0.match': ['The script.0.match field is prohibited unless on is message.'] }],
    [{ script: [{ on: 'message', match: '(a', reply: 'x' }] }, { 'script.0.match': ['The script.0.match field must be a valid pattern: missing ")".'] }],
    [{ script: [{ on: 'message', match: '(?=a)b', reply: 'x' }] }, { 'script.0.match': ['The script.0.match field must be a valid pattern: lookaround, named groups and inline flags are not supported (only (?:...) and a leading (?i)).'] }],
    [{ script: [{ on: 'message', match: '(a)\\1', reply: 'x' }] }, { 'script.0.match': ['The script.0.match field must be a valid pattern: backreferences are not supported.'] }],
    [{ script: [{ on: 'message', match: 'a{1,1000}', reply: 'x' }] }, { 'script.0.match': ['The script.0.match field must be a valid pattern: counts above 100 are not supported.'] }],
    [{ script: [{ on: 'message', match: 'x'.repeat(201), reply: 'x' }] }, { 'script.0.match': ['The script.0.match field must not be greater than 200 characters.'] }],
    [{ script: [{ on: 'message', do: 'reply' }] }, { 'script.0.reply': ['The script.0.reply field is required when do is reply.'] }],
    [{ script: [{ on: 'message', reply: 42 }] }, { 'script.0.reply': ['The script.0.reply field must be a string.'] }],
    [{ script: [{ on: 'message', reply: 'x'.repeat(2001) }] }, { 'script.0.reply': ['The script.0.reply field must not be greater than 2000 characters.'] }],
    [{ script: [{ on: 'credentials', do: 'confirm', reply: 'hi' }] }, { 'script.0.reply': ['The script.0.reply field is prohibited when do is confirm.'] }],
    [{ script: [{ on: 'credentials', do: 'confirm', wait: 5 }] }, { 'script.0.wait': ['The script.0.wait field is prohibited.'] }],
    [{ script: [{ on: 'silence', after: 60, do: 'dispute' }] }, { 'script.0.reason': ['The script.0.reason field is required.'] }],
    [{ script: [{ on: 'silence', after: 60, do: 'dispute', reason: 'item_not_received' }] }, { 'script.0.reason': ['The selected script.0.reason is invalid.'] }],
    [{ script: [{ on: 'silence', after: 60, do: 'dispute', reason: 'other', preferred_resolution: 'money' }] }, { 'script.0.preferred_resolution': ['The selected script.0.preferred resolution is invalid.'] }],
    [{ script: [{ on: 'counter', do: 'escalate', message: 'x'.repeat(1201) }] }, { 'script.0.message': ['The script.0.message field must not be greater than 1200 characters.'] }],
  ])('refuses %j and keeps the script as it was', async (body, errors) => {
    const res = await put(body);
    expect(res.status, res.text).toBe(422);
    expect(res.body).toEqual(invalid(errors));
    const read = await parley.admin.get(`/admin/v1/account-orders/${orderId}/buyer-script`);
    expect(read.body.data).toMatchObject({ script: [], steps: [] });
  });

  it('names every failing step and field at once', async () => {
    const res = await put({ script: [{ on: 'credentials', do: 'confirm' }, { on: 'nope' }, { on: 'message', after: 'x', reply: '' }] });
    // A blank reply is a missing one (strings are trimmed, empty ones missing).
    expect(res.status, res.text).toBe(422);
    expect(Object.keys(res.body.errors).sort()).toEqual(['script.1.do', 'script.1.on', 'script.2.after', 'script.2.do']);
  });

  it("checks dispute reasons against the order's kind", async () => {
    const ok = await put({ script: [{ on: 'silence', after: 60, do: 'dispute', reason: 'item_not_received' }] }, `/admin/v1/item-orders/${itemOrderId}/buyer-script`);
    expect(ok.status, ok.text).toBe(200);
    const res = await put({ script: [{ on: 'silence', after: 60, do: 'dispute', reason: 'account_banned' }] }, `/admin/v1/item-orders/${itemOrderId}/buyer-script`);
    expect(res.body).toEqual(invalid({ 'script.0.reason': ['The selected script.0.reason is invalid.'] }));
  });
});
