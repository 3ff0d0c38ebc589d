import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from '../../../src/contract/openapi.js';

describe('Idempotency-Key in the OpenAPI document', () => {
  it('is a parameter of every POST and PATCH (and nothing else), each with its 400, 409 and 422', async () => {
    const doc = (await buildOpenApiDocument({ version: 'test' })) as any;
    let keyed = 0;
    for (const [path, item] of Object.entries<any>(doc.paths)) {
      for (const [method, op] of Object.entries<any>(item)) {
        const refs = (op.parameters ?? []).map((p: { $ref?: string }) => p.$ref);
        const where = `${method} ${path}`;
        if (method === 'post' || method === 'patch') {
          keyed++;
          expect(refs, where).toContain('#/components/parameters/IdempotencyKey');
          expect(op.responses['409'], where).toEqual({ $ref: '#/components/responses/ErrorConflict' });
          expect(op.responses['400'], where).toBeDefined();
          expect(op.responses['422'], where).toBeDefined();
        } else {
          expect(refs, where).not.toContain('#/components/parameters/IdempotencyKey');
        }
      }
    }
    expect(keyed).toBeGreaterThan(20);
    expect(doc.components.parameters.IdempotencyKey).toMatchObject({ name: 'Idempotency-Key', in: 'header', required: false, schema: { maxLength: 255 } });
  });
});
