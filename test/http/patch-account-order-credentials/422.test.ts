import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrderScenario } from '../../support/fixtures.js';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { ACCOUNT, credentialsPath, expectValidationError, snapshot } from '../post-order-complete/helpers.js';

let parley: TestParley;
let scenario: OrderScenario;
beforeAll(async () => {
  parley = await startTestParley();
  scenario = await parley.fixtures.scenario('in_delivery', { credentials: 'original secret' });
});
afterAll(() => parley.close());

const REQUIRED = { credentials: ['The credentials field is required.'] };
const NOT_STRING = { credentials: ['The credentials field must be a string.'] };
const TOO_LONG = { credentials: ['The credentials field must not be greater than 10000 characters.'] };

/** Sends `body` as the seller; expects exactly `errors` and an untouched order and thread. */
async function expectErrors(body: unknown, errors: Record<string, string[]>, token = scenario.seller.token) {
  const before = snapshot(parley, ACCOUNT, scenario.order.id);
  const res = await parley.api.patch(credentialsPath(scenario.order.id), body, { token });
  expectValidationError(res, errors);
  expect(snapshot(parley, ACCOUNT, scenario.order.id)).toEqual(before);
}

describe('PATCH /v2/account-orders/{accountOrder}/credentials -> 422', () => {
  it.each([
    ['a missing field', {}],
    ['null', { credentials: null }],
    ['an empty string', { credentials: '' }],
    ['only spaces', { credentials: '   ' }],
    ['only whitespace, line breaks and zero-width spaces', { credentials: ' \n\t\u200B\uFEFF ' }],
    ['only other fields', { password: 'x', login: 'y' }],
  ])('requires the credentials: %s', async (_label, body) => {
    await expectErrors(body, REQUIRED);
  });

  it.each([
    ['a JSON array', []],
    ['JSON null', null],
    ['a JSON string', 'login: a'],
  ])('treats %s as a body without credentials', async (_label, body) => {
    await expectErrors(body, REQUIRED);
  });

  it('treats a request without a body as missing credentials', async () => {
    const before = snapshot(parley, ACCOUNT, scenario.order.id);
    const res = await parley.api.patch(credentialsPath(scenario.order.id), undefined, { token: scenario.seller.token });
    expectValidationError(res, REQUIRED);
    expect(snapshot(parley, ACCOUNT, scenario.order.id)).toEqual(before);
  });

  it.each([
    ['a number', 42],
    ['zero', 0],
    ['a boolean', true],
    ['false', false],
    ['an object', { login: 'a', password: 'b' }],
    ['an empty object', {}],
    ['an array', ['login', 'pass']],
  ])('rejects credentials given as %s', async (_label, credentials) => {
    await expectErrors({ credentials }, NOT_STRING);
  });

  it.each([
    ['10001 ASCII characters', 'x'.repeat(10001)],
    ['10001 emoji', '🔑'.repeat(10001)],
    ['10001 characters with inner spaces', `${'a'.repeat(5000)} ${'b'.repeat(5000)}`],
  ])('rejects %s', async (_label, credentials) => {
    await expectErrors({ credentials }, TOO_LONG);
  });

  it('counts characters as code points: 10000 emoji pass where 10001 fail', async () => {
    await expectErrors({ credentials: '🔑'.repeat(10001) }, TOO_LONG);
    const { seller, order } = await parley.fixtures.scenario('pending');
    const ok = await parley.api.patch(credentialsPath(order.id), { credentials: '🔑'.repeat(10000) }, { token: seller.token });
    expect(ok.status, ok.text).toBe(200);
    expect(ok.body.data.credentials).toBe('🔑'.repeat(10000));
  });

  it('answers the same 422 to the admin token and on a delivered order', async () => {
    await expectErrors({ credentials: '' }, REQUIRED, scenario.seller.token);
    await expectErrors({ credentials: 1 }, NOT_STRING, (await parley.fixtures.user('admin')).token);
    const before = snapshot(parley, ACCOUNT, scenario.order.id);
    expectValidationError(await parley.admin.patch(credentialsPath(scenario.order.id), { credentials: '  ' }), REQUIRED);
    expect(snapshot(parley, ACCOUNT, scenario.order.id)).toEqual(before);

    const delivered = await parley.fixtures.scenario('delivered', { credentials: 'kept' });
    const beforeDelivered = snapshot(parley, ACCOUNT, delivered.order.id);
    expectValidationError(await parley.api.patch(credentialsPath(delivered.order.id), { credentials: null }, { token: delivered.seller.token }), REQUIRED);
    expect(snapshot(parley, ACCOUNT, delivered.order.id)).toEqual(beforeDelivered);
  });

  it('leaves the stored credentials readable and unchanged after every rejected request', async () => {
    const read = await parley.api.get(`/v2/account-orders/${scenario.order.id}`, { token: scenario.seller.token });
    expect(read.status, read.text).toBe(200);
    expect(read.body.data.credentials).toBe('original secret');
    expect(read.body.data.updated_at).toBe(scenario.order.updated_at);
  });
});
