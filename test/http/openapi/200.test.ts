import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildOpenApiDocument } from '../../../src/contract/openapi.js';
import { VERSION } from '../../../src/server.js';
import { startTestParley, type TestParley } from '../../support/parley.js';

/** GameBoost's own document of the send route, kept in the repository. */
const SEED = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../spec/send-message-to-account-order.md');

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
      '/admin/v1/account-offers/{account}/purchases',
      '/admin/v1/account-orders',
      '/admin/v1/account-orders/{accountOrder}',
      '/admin/v1/account-orders/{accountOrder}/buyer-script',
      '/admin/v1/account-orders/{accountOrder}/disputes',
      '/admin/v1/account-orders/{accountOrder}/webhook-deliveries',
      '/admin/v1/api-keys/{key}',
      '/admin/v1/clock',
      '/admin/v1/clock/advance',
      '/admin/v1/clock/reset',
      '/admin/v1/currency-offers/{currencyOffer}/purchases',
      '/admin/v1/currency-orders',
      '/admin/v1/currency-orders/{currencyOrder}',
      '/admin/v1/currency-orders/{currencyOrder}/buyer-script',
      '/admin/v1/currency-orders/{currencyOrder}/disputes',
      '/admin/v1/currency-orders/{currencyOrder}/webhook-deliveries',
      '/admin/v1/games',
      '/admin/v1/games/{game}/templates/{service}',
      '/admin/v1/item-offers/{itemOffer}/purchases',
      '/admin/v1/item-orders',
      '/admin/v1/item-orders/{itemOrder}',
      '/admin/v1/item-orders/{itemOrder}/buyer-script',
      '/admin/v1/item-orders/{itemOrder}/disputes',
      '/admin/v1/item-orders/{itemOrder}/webhook-deliveries',
      '/admin/v1/order-disputes/{orderDisputeCase}/buyer-accept',
      '/admin/v1/order-disputes/{orderDisputeCase}/buyer-escalate',
      '/admin/v1/order-disputes/{orderDisputeCase}/buyer-reply',
      '/admin/v1/order-disputes/{orderDisputeCase}/resolve',
      '/admin/v1/users',
      '/admin/v1/users/{user}/api-keys',
      '/admin/v1/users/{user}/webhook-endpoints',
      '/admin/v1/webhook-endpoints/{endpoint}',
      '/admin/v1/webhook-endpoints/{endpoint}/deliveries',
      '/admin/v1/webhook-endpoints/{endpoint}/rotate-secret',
      '/admin/v1/webhook-endpoints/{endpoint}/test',
      '/admin/v1/webhook-events/{event}/replay',
      '/api/openapi.json',
      '/health',
      '/v2/account-offers',
      '/v2/account-offers/create',
      '/v2/account-offers/templates/{game}',
      '/v2/account-offers/{account}',
      '/v2/account-offers/{account}/credentials',
      '/v2/account-offers/{account}/credentials/bulk-delete',
      '/v2/account-offers/{account}/credentials/{credential}',
      '/v2/account-offers/{account}/draft',
      '/v2/account-offers/{account}/duplicate',
      '/v2/account-offers/{account}/list',
      '/v2/account-orders',
      '/v2/account-orders/{accountOrder}',
      '/v2/account-orders/{accountOrder}/credentials',
      '/v2/account-orders/{accountOrder}/messages',
      '/v2/account-orders/{accountOrder}/messages/stream',
      '/v2/currency-offers',
      '/v2/currency-offers/templates/{game}',
      '/v2/currency-offers/{currencyOffer}',
      '/v2/currency-offers/{currencyOffer}/archive',
      '/v2/currency-offers/{currencyOffer}/draft',
      '/v2/currency-offers/{currencyOffer}/list',
      '/v2/currency-offers/{currencyOffer}/orders',
      '/v2/currency-orders',
      '/v2/currency-orders/{currencyOrder}',
      '/v2/currency-orders/{currencyOrder}/complete',
      '/v2/currency-orders/{currencyOrder}/messages',
      '/v2/currency-orders/{currencyOrder}/messages/stream',
      '/v2/events/stream',
      '/v2/games',
      '/v2/games/{game}',
      '/v2/item-offers',
      '/v2/item-offers/templates/{game}',
      '/v2/item-offers/{itemOffer}',
      '/v2/item-offers/{itemOffer}/archive',
      '/v2/item-offers/{itemOffer}/draft',
      '/v2/item-offers/{itemOffer}/list',
      '/v2/item-offers/{itemOffer}/orders',
      '/v2/item-orders',
      '/v2/item-orders/{itemOrder}',
      '/v2/item-orders/{itemOrder}/complete',
      '/v2/item-orders/{itemOrder}/messages',
      '/v2/item-orders/{itemOrder}/messages/stream',
      '/v2/order-disputes',
      '/v2/order-disputes/{orderDisputeCase}',
      '/v2/order-disputes/{orderDisputeCase}/accept',
      '/v2/order-disputes/{orderDisputeCase}/counter',
      '/v2/order-disputes/{orderDisputeCase}/escalate',
      '/v2/stream-tokens',
      '/v2/webhook-events',
    ]);
  });

  it("serves the seed's Message and MessageSender with the same fields and types (null allowed where the seed allows it)", () => {
    const seed = seedDocument();
    for (const name of ['Message', 'MessageSender']) {
      const ours = served.components.schemas[name];
      const theirs = seed.components.schemas[name];
      expect(Object.keys(ours.properties).sort(), name).toEqual(Object.keys(theirs.properties).sort());
      for (const [field, schema] of Object.entries<any>(theirs.properties)) {
        if (schema.$ref) {
          expect(ours.properties[field], `${name}.${field}`).toEqual(schema);
          continue;
        }
        expect(types(ours.properties[field]), `${name}.${field}`).toEqual(types(schema));
        if (schema.enum) expect(ours.properties[field].enum, `${name}.${field}`).toEqual(schema.enum);
      }
    }
    // As in the seed, the send route's data refers to the Message the components name.
    const post = served.paths['/v2/account-orders/{accountOrder}/messages'].post;
    const data = post.responses['200'].content['application/json'].schema.properties.data;
    expect(data).toEqual(seed.paths['/v2/account-orders/{accountOrder}/messages'].post.responses['200'].content['application/json'].schema.properties.data);
    expect(data).toEqual({ $ref: '#/components/schemas/Message' });
  });

  it("documents the seed's request body and every error status of the send route", () => {
    const seed = seedDocument();
    const theirs = seed.paths['/v2/account-orders/{accountOrder}/messages'].post;
    const ours = served.paths['/v2/account-orders/{accountOrder}/messages'].post;
    // Laravel takes the body as JSON or as a form (curl -d message=hi).
    for (const media of ['application/json', 'application/x-www-form-urlencoded']) {
      const body = ours.requestBody.content[media].schema;
      expect(body.required, media).toEqual(['message']);
      expect(body.properties.message, media).toMatchObject({ type: 'string', maxLength: 10000 });
    }
    // The seed's error statuses refer to the same shared responses, whose examples are the seed's messages.
    for (const [status, response] of Object.entries<any>(theirs.responses)) {
      if (status === '200') continue;
      expect(ours.responses[status], status).toEqual(response);
      const name = response.$ref.replace('#/components/responses/', '');
      const theirMessage = seed.components.responses[name].content['application/json'].schema.properties.message.example;
      const ourMedia = served.components.responses[name].content['application/json'];
      expect(ourMedia.example.message, name).toBe(theirMessage);
      const schema = served.components.schemas[ourMedia.schema.$ref.replace('#/components/schemas/', '')];
      expect(schema.properties.message.type, name).toBe('string');
    }
    expect(served.components.schemas.ValidationErrorBody.properties.errors.type).toBe('object');
  });

  it('is what buildOpenApiDocument builds', async () => {
    expect(served).toEqual(await buildOpenApiDocument({ version: VERSION }));
  });

  it('documents every route the server registers (HEAD aside, which Fastify adds to each GET)', () => {
    const registered = routesOf(parley.running.app.printRoutes({ commonPrefix: false }));
    expect(registered.length).toBeGreaterThan(30);
    const documented = Object.entries<any>(served.paths).flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`));
    // Not the API: the pages (the console, the /docs reference) and the CORS preflights.
    const outsideApi = (route: string) => / \/(console|docs)(\/|$)/.test(route) || route.startsWith('OPTIONS ');
    expect(documented.sort()).toEqual(registered.filter((route) => !route.startsWith('HEAD ') && !outsideApi(route)).sort());
  });

  it('gives the error bodies the server actually sends as the examples of their status', async () => {
    const examples = served.components.responses;
    const unauthenticated = await fetch(`${parley.url}/v2/account-orders`);
    expect(unauthenticated.status).toBe(401);
    expect((await unauthenticated.json()).message).toBe(examples.ErrorUnauthenticated.content['application/json'].example.message);
    const notFound = await fetch(`${parley.url}/v2/account-orders/999999`, { headers: { Authorization: `Bearer ${parley.adminToken}` } });
    expect(notFound.status).toBe(404);
    const body = await notFound.json();
    expect(body.message).toBe(examples.ErrorNotFound.content['application/json'].example.message);
    // And the request id header the document declares on every response.
    expect(notFound.headers.get('X-GameBoost-Request-Id')).toBe(body.request_id);
  });

  it('declares the rate-limit headers a /v2 response carries while limits are on', async () => {
    const limited = await startTestParley({ PARLEY_RATE_LIMIT_READS: '1000' });
    try {
      const res = await fetch(`${limited.url}/v2/account-orders`, { headers: { Authorization: `Bearer ${limited.adminToken}` } });
      expect(res.status).toBe(200);
      const declared = Object.keys(served.paths['/v2/account-orders'].get.responses['200'].headers);
      const sent = ['x-gameboost-request-id', ...[...res.headers.keys()].filter((name) => name.startsWith('x-ratelimit'))];
      expect(declared.map((name) => name.toLowerCase()).sort()).toEqual(sent.sort());
    } finally {
      await limited.close();
    }
  });
});

/**
 * `METHOD /path` of each route in Fastify's printRoutes tree: every level is indented four
 * characters (`├── `, `│   `...) and continues its parent's path.
 */
function routesOf(tree: string): string[] {
  const routes: string[] = [];
  const stack: string[] = [];
  for (const line of tree.split('\n')) {
    const match = /^((?:[│├└ ][─ ]{2} )*)(\S+)(?: \(([^)]+)\))?$/u.exec(line);
    if (!match) continue;
    // Top-level routes sit one level in (`├── /health`).
    stack.length = Math.max(0, match[1]!.length / 4 - 1);
    stack.push(match[2]!);
    const path = stack.join('').replace(/:(\w+)/g, '{$1}');
    for (const method of match[3]?.split(', ') ?? []) routes.push(`${method} ${path}`);
  }
  return routes;
}
