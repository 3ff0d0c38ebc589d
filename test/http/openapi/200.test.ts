import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startTestParley, type TestParley } from '../../support/parley.js';

const SEED = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../shared/spec/send-message-to-account-order.md');

function seedDocument(): any {
  const text = fs.readFileSync(SEED, 'utf8');
  const yaml = /````yaml[^\n]*\n([\s\S]*?)````/.exec(text)![1]!;
  return parse(yaml);
}

function types(schema: any): string[] {
  return ([] as string[]).concat(schema.type ?? []).concat(schema.nullable ? ['null'] : []).sort();
}

let parley: TestParley;
let served: any;
beforeAll(async () => {
  parley = await startTestParley();
  const res = await fetch(`${parley.url}/api/openapi.json`);
  expect(res.status).toBe(200);
  served = await res.json();
});
afterAll(() => parley.close());

describe('GET /api/openapi.json', () => {
  it('is an OpenAPI 3.1 document with every route', () => {
    expect(served.openapi).toBe('3.1.0');
    expect(Object.keys(served.paths).sort()).toEqual([
      '/admin/v1/account-orders',
      '/admin/v1/account-orders/{accountOrder}',
      '/admin/v1/api-keys/{key}',
      '/admin/v1/currency-orders',
      '/admin/v1/currency-orders/{currencyOrder}',
      '/admin/v1/games',
      '/admin/v1/item-orders',
      '/admin/v1/item-orders/{itemOrder}',
      '/admin/v1/users',
      '/admin/v1/users/{user}/api-keys',
      '/admin/v1/users/{user}/webhook-endpoints',
      '/admin/v1/webhook-endpoints/{endpoint}',
      '/admin/v1/webhook-endpoints/{endpoint}/deliveries',
      '/admin/v1/webhook-endpoints/{endpoint}/rotate-secret',
      '/admin/v1/webhook-endpoints/{endpoint}/test',
      '/admin/v1/webhook-events/{event}/replay',
      '/health',
      '/v2/account-orders',
      '/v2/account-orders/{accountOrder}',
      '/v2/account-orders/{accountOrder}/credentials',
      '/v2/account-orders/{accountOrder}/messages',
      '/v2/currency-offers/{currencyOffer}/orders',
      '/v2/currency-orders',
      '/v2/currency-orders/{currencyOrder}',
      '/v2/currency-orders/{currencyOrder}/complete',
      '/v2/currency-orders/{currencyOrder}/messages',
      '/v2/item-offers/{itemOffer}/orders',
      '/v2/item-orders',
      '/v2/item-orders/{itemOrder}',
      '/v2/item-orders/{itemOrder}/complete',
      '/v2/item-orders/{itemOrder}/messages',
    ]);
  });

  it("serves the seed's Message and MessageSender with the same fields and types (null allowed where the seed allows it)", () => {
    const seed = seedDocument();
    for (const name of ['Message', 'MessageSender']) {
      const ours = served.components.schemas[name];
      const theirs = seed.components.schemas[name];
      expect(Object.keys(ours.properties).sort(), name).toEqual(Object.keys(theirs.properties).sort());
      for (const [field, schema] of Object.entries<any>(theirs.properties)) {
        if (schema.$ref) continue;
        expect(types(ours.properties[field]), `${name}.${field}`).toEqual(types(schema));
        if (schema.enum) expect(ours.properties[field].enum, `${name}.${field}`).toEqual(schema.enum);
      }
    }
    // The paths inline the same Message the components name.
    const post = served.paths['/v2/account-orders/{accountOrder}/messages'].post;
    expect(post.responses['200'].content['application/json'].schema.properties.data).toEqual(served.components.schemas.Message);
  });

  it("documents the seed's request body and every error status of the send route", () => {
    const seed = seedDocument();
    const theirs = seed.paths['/v2/account-orders/{accountOrder}/messages'].post;
    const ours = served.paths['/v2/account-orders/{accountOrder}/messages'].post;
    const body = ours.requestBody.content['application/json'].schema;
    expect(body.required).toEqual(['message']);
    expect(body.properties.message).toMatchObject({ type: 'string', maxLength: 10000 });
    for (const status of Object.keys(theirs.responses)) expect(ours.responses[status], status).toBeDefined();
    for (const name of ['ErrorUnauthenticated', 'ErrorForbidden', 'ErrorNotFound', 'ErrorValidation', 'ErrorRateLimited']) {
      const schema = served.components.responses[name].content['application/json'].schema;
      expect(schema.properties.message.type, name).toBe('string');
    }
    expect(served.components.responses.ErrorValidation.content['application/json'].schema.properties.errors.type).toBe('object');
  });
});
