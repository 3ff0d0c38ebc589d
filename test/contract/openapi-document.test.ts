import { beforeAll, describe, expect, it } from 'vitest';
import { ERROR_RESPONSES, type ErrorStatus } from '../../src/contract/common.js';
import { buildOpenApiDocument, DEFAULT_SERVERS } from '../../src/contract/openapi.js';
import { WEBHOOK_PAYLOADS } from '../../src/contract/webhook-events.js';
import { TEST_TOPIC, WEBHOOK_TOPICS } from '../../src/domain/events.js';

/** The document as buildOpenApiDocument makes it; what the server serves is compared in test/http/openapi. */
let doc: any;
beforeAll(async () => {
  doc = await buildOpenApiDocument({ version: '9.9.9' });
});

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

function operations(): { path: string; method: string; op: any }[] {
  return Object.entries<any>(doc.paths).flatMap(([path, item]) =>
    Object.entries<any>(item).filter(([method]) => METHODS.includes(method)).map(([method, op]) => ({ path, method, op })));
}

/** Follows a `#/components/...` reference. */
function deref(node: any): any {
  if (!node?.$ref) return node;
  return node.$ref.replace(/^#\//, '').split('/').reduce((at: any, key: string) => at?.[key], doc);
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (response: any) => deref(response).content['application/json'];

describe('buildOpenApiDocument', () => {
  it('names the shared shapes once and refers to them', () => {
    const schemas = doc.components.schemas;
    for (const name of ['Message', 'MessageSender', 'Money', 'AccountOrder', 'ItemOrder', 'CurrencyOrder', 'PaginationMeta', 'PaginationLinks', 'ErrorBody', 'ValidationErrorBody']) {
      expect(schemas[name], name).toMatchObject({ type: 'object' });
    }
    const send = doc.paths['/v2/account-orders/{accountOrder}/messages'].post;
    expect(json(send.responses['200']).schema.properties.data).toEqual(ref('Message'));
    expect(json(doc.paths['/v2/account-orders/{accountOrder}/messages'].get.responses['200']).schema.properties.data.items).toEqual(ref('Message'));
    expect(schemas.Message.properties.sender).toEqual(ref('MessageSender'));
    for (const [path, kind] of [['/v2/account-orders', 'AccountOrder'], ['/v2/item-orders', 'ItemOrder'], ['/v2/currency-orders', 'CurrencyOrder']] as const) {
      expect(json(doc.paths[path].get.responses['200']).schema.properties, path).toEqual({
        data: { type: 'array', items: ref(kind) },
        meta: ref('PaginationMeta'),
        links: ref('PaginationLinks'),
      });
      expect(json(doc.paths[`${path}/{${kind[0]!.toLowerCase()}${kind.slice(1)}}`].get.responses['200']).schema.properties.data).toEqual(ref(kind));
      expect(schemas[kind].properties.game, kind).toEqual(ref('Game'));
    }
    expect(schemas.AccountOrder.properties.price).toEqual(ref('Money'));
    expect(schemas.ItemOrder.properties.price_eur).toEqual(ref('Money'));
  });

  it('inlines no copy of a named shape', () => {
    const named = Object.entries<any>(doc.components.schemas);
    const copies: string[] = [];
    const visit = (node: any, at: string, isRoot: boolean) => {
      if (Array.isArray(node)) return node.forEach((item, i) => visit(item, `${at}/${i}`, false));
      if (node === null || typeof node !== 'object') return;
      if (!isRoot) for (const [name, schema] of named) if (JSON.stringify(node) === JSON.stringify(schema)) copies.push(`${at} copies ${name}`);
      for (const [key, value] of Object.entries(node)) if (key !== 'example' && key !== 'examples') visit(value, `${at}/${key}`, false);
    };
    visit(doc.paths, '#/paths', false);
    visit(doc.webhooks, '#/webhooks', false);
    for (const [name, schema] of named) visit(schema, `#/components/schemas/${name}`, true);
    expect(copies).toEqual([]);
    // Every component is used somewhere (an unused one would be a copy left behind).
    const text = JSON.stringify({ paths: doc.paths, webhooks: doc.webhooks, components: doc.components });
    for (const [name] of named) expect(text, name).toContain(`"#/components/schemas/${name}"`);
  });

  it('answers every error status with the shared response of that status, each with its own example', () => {
    let errors = 0;
    for (const { path, method, op } of operations()) {
      for (const [status, response] of Object.entries<any>(op.responses)) {
        const error = ERROR_RESPONSES[Number(status) as ErrorStatus];
        if (!error) continue;
        errors++;
        expect(response, `${method} ${path} ${status}`).toEqual({ $ref: `#/components/responses/${error.name}` });
      }
    }
    expect(errors).toBeGreaterThan(100);
    const messages = new Set<string>();
    for (const [code, error] of Object.entries(ERROR_RESPONSES)) {
      const response = doc.components.responses[error.name];
      expect(response.description, error.name).toBe(error.description);
      const media = response.content['application/json'];
      expect(media.schema).toEqual(ref(code === '422' ? 'ValidationErrorBody' : 'ErrorBody'));
      expect(media.example.message, error.name).toBe(error.example.message);
      expect(typeof media.example.request_id).toBe('string');
      messages.add(media.example.message);
    }
    expect(messages.size).toBe(Object.keys(ERROR_RESPONSES).length);
    expect(doc.components.responses.ErrorNotFound.content['application/json'].example.message).toBe('Resource not found.');
    expect(doc.components.responses.ErrorValidation.content['application/json'].example.errors).toEqual({ message: ['The message field is required.'] });
  });

  it('declares the headers of every response: the request id, the rate limits on /v2, Retry-After on 429', () => {
    const headers = doc.components.headers;
    expect(Object.keys(headers).sort()).toEqual(['IdempotentReplayed', 'RateLimitLimit', 'RateLimitRemaining', 'RateLimitReset', 'RequestId', 'RetryAfter']);
    // Successes of a POST or PATCH may be replays of an Idempotency-Key's stored answer.
    const replayed = { 'Idempotent-Replayed': { $ref: '#/components/headers/IdempotentReplayed' } };
    const rateLimit = {
      'X-RateLimit-Limit': { $ref: '#/components/headers/RateLimitLimit' },
      'X-RateLimit-Remaining': { $ref: '#/components/headers/RateLimitRemaining' },
      'X-Ratelimit-Reset': { $ref: '#/components/headers/RateLimitReset' },
    };
    const requestId = { 'X-GameBoost-Request-Id': { $ref: '#/components/headers/RequestId' } };
    for (const { path, method, op } of operations()) {
      for (const [status, response] of Object.entries<any>(op.responses)) {
        const declared = deref(response).headers;
        const where = `${method} ${path} ${status}`;
        expect(declared, where).toMatchObject(requestId);
        // Only /v2 counts requests, and a 401 is answered before counting.
        if (path.startsWith('/v2/') && status !== '401') expect(declared, where).toMatchObject(rateLimit);
        const keyed = (method === 'post' || method === 'patch') && !ERROR_RESPONSES[Number(status) as ErrorStatus];
        if (keyed) expect(declared, where).toMatchObject(replayed);
        if (!path.startsWith('/v2/') && !ERROR_RESPONSES[Number(status) as ErrorStatus]) expect(declared, where).toEqual(keyed ? { ...requestId, ...replayed } : requestId);
      }
    }
    expect(doc.components.responses.ErrorUnauthenticated.headers).toEqual(requestId);
    expect(doc.components.responses.ErrorRateLimited.headers).toEqual({ ...requestId, ...rateLimit, 'Retry-After': { $ref: '#/components/headers/RetryAfter' } });
    expect(headers.RetryAfter).toMatchObject({ required: true, schema: { type: 'integer' } });
  });

  it('has a unique operationId on every operation and webhook, and a 4xx on every operation that takes input or a key', () => {
    const webhookOps = Object.values<any>(doc.webhooks).map((item) => item.post);
    const ids = [...operations().map(({ op }) => op.operationId), ...webhookOps.map((op) => op.operationId)];
    expect(ids.every((id) => typeof id === 'string' && id.length > 0)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    // In place of Redocly's operation-4xx-response, switched off for these two (redocly.yaml).
    for (const { path, method, op } of operations()) {
      if (op.operationId === 'getHealth' || op.operationId === 'getOpenApiDocument') continue;
      expect(Object.keys(op.responses).some((status) => status.startsWith('4')), `${method} ${path}`).toBe(true);
    }
  });

  it('gives every path parameter an example and every form-taking body both media types', () => {
    let params = 0;
    let forms = 0;
    for (const { path, method, op } of operations()) {
      for (const param of op.parameters ?? []) {
        if (param.in !== 'path') continue;
        params++;
        expect(param.example, `${method} ${path} ${param.name}`).toBeDefined();
      }
      const content = op.requestBody?.content;
      if (!content) continue;
      expect(Object.keys(content).sort(), `${method} ${path}`).toEqual(['application/json', 'application/x-www-form-urlencoded']);
      expect(content['application/x-www-form-urlencoded'].schema).toEqual(content['application/json'].schema);
      forms++;
    }
    expect(params).toBeGreaterThan(20);
    expect(forms).toBeGreaterThan(10);
    expect(doc.paths['/v2/account-orders/{accountOrder}'].get.parameters).toContainEqual(expect.objectContaining({ name: 'accountOrder', in: 'path', example: '1' }));
    // An optional body is not a required one; the send route's is.
    expect(doc.paths['/admin/v1/webhook-endpoints/{endpoint}/rotate-secret'].post.requestBody.required).toBe(false);
    expect(doc.paths['/v2/account-orders/{accountOrder}/messages'].post.requestBody.required).toBe(true);
  });

  it('lists each webhook topic in the webhooks section, with its body, a 2xx and the signature headers', () => {
    // The topics endpoints subscribe to, and the test event an endpoint gets unasked.
    const topics = [...WEBHOOK_TOPICS, TEST_TOPIC].sort();
    expect(Object.keys(doc.webhooks).sort()).toEqual(topics);
    expect(WEBHOOK_PAYLOADS.map((w) => w.topic).sort()).toEqual(topics);
    for (const webhook of WEBHOOK_PAYLOADS) {
      const post = doc.webhooks[webhook.topic].post;
      const schema = deref(post.requestBody.content['application/json'].schema);
      expect(schema.properties.event, webhook.topic).toEqual({ type: 'string', enum: [webhook.topic] });
      expect(schema.required).toEqual(['event', 'payload']);
      expect(Object.keys(post.responses).filter((status) => status.startsWith('2'))).toEqual(['2XX']);
      const names = post.parameters.map((p: any) => deref(p)).filter((p: any) => p.in === 'header').map((p: any) => p.name);
      expect(names).toEqual(expect.arrayContaining([
        'Signature', 'X-GameBoost-Signature', 'X-GameBoost-Event-Id', 'X-GameBoost-Topic', 'X-GameBoost-Timestamp',
        'webhook-id', 'webhook-timestamp', 'webhook-signature',
      ]));
    }
    expect(deref(doc.webhooks['account.order.purchased'].post.requestBody.content['application/json'].schema).properties.payload).toEqual(ref('AccountOrder'));
    expect(deref(ref('OrderMessageCreatedEvent')).properties.payload).toEqual(ref('MessageCreatedPayload'));
    expect(deref(ref('MessageCreatedPayload')).properties.message).toEqual(ref('Message'));
  });

  it('says where it is served, under which licence, and describes every tag', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info).toMatchObject({ version: '9.9.9', license: { name: 'MIT', identifier: 'MIT' } });
    expect(doc.info.contact).toBeUndefined();
    expect(doc.servers).toEqual(DEFAULT_SERVERS);
    expect(DEFAULT_SERVERS).toEqual([{ url: 'http://127.0.0.1:8080', description: 'Parley on its default port' }]);
    const used = new Set([...operations(), ...Object.values<any>(doc.webhooks).map((item) => ({ op: item.post }))].flatMap(({ op }) => op.tags));
    const tags = new Map(doc.tags.map((t: any) => [t.name, t.description]));
    for (const tag of used) expect(tags.get(tag), tag).toMatch(/\w+/);
    expect([...tags.keys()].sort()).toEqual([...used].sort());
  });

  it('takes the servers and contact of a deployment', async () => {
    const servers = [{ url: 'https://parley.example.org', description: 'Production' }];
    const contact = { name: 'Ops', email: 'ops@example.org' };
    const custom: any = await buildOpenApiDocument({ version: '1.0.0', servers, contact });
    expect(custom.servers).toEqual(servers);
    expect(custom.info.contact).toEqual(contact);
  });
});
