import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { ValidateFunction } from 'ajv';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void;

interface Response {
  content?: Record<string, { schema: object }>;
}

interface Operation {
  method: string;
  template: string;
  pattern: RegExp;
  responses: Record<string, Response | { $ref: string }>;
}

/**
 * Checks every response a test sees against the OpenAPI document the server itself serves:
 * the status must be documented for the operation and the JSON body must match its schema.
 * A path no operation matches must be the documented 404 body.
 */
export class OpenApiValidator {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true });
  private readonly operations: Operation[] = [];
  private readonly compiled = new Map<string, ValidateFunction>();
  private readonly components: { schemas?: object; responses?: Record<string, Response> };

  constructor(document: {
    paths: Record<string, Record<string, Operation['responses'] extends infer R ? { responses: R } : never>>;
    components?: { schemas?: object; responses?: Record<string, Response> };
  }) {
    addFormats(this.ajv);
    this.components = document.components ?? {};
    for (const [template, methods] of Object.entries(document.paths)) {
      const pattern = new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`);
      for (const [method, operation] of Object.entries(methods)) {
        this.operations.push({ method: method.toUpperCase(), template, pattern, responses: operation.responses });
      }
    }
  }

  /** A response, or the shared one in `components.responses` it refers to. */
  private resolve(response: Response | { $ref: string }): Response {
    if (!('$ref' in response)) return response;
    const shared = this.components.responses?.[response.$ref.replace('#/components/responses/', '')];
    if (!shared) throw new Error(`unresolvable response ${response.$ref}`);
    return shared;
  }

  find(method: string, path: string): Operation | undefined {
    return this.operations.find((o) => o.method === method && o.pattern.test(path));
  }

  /** Throws with a readable reason when the response breaks the document. */
  validate(method: string, url: string, status: number, body: unknown, contentType: string | null): void {
    const path = new URL(url).pathname;
    const operation = this.find(method, path);
    if (!operation) {
      if (status !== 404) throw new Error(`${method} ${path}: no documented operation, and status ${status} is not 404`);
      const keys = body && typeof body === 'object' ? Object.keys(body).sort().join(',') : '';
      if (keys !== 'message,request_id') throw new Error(`${method} ${path}: undocumented route answered ${JSON.stringify(body)}`);
      return;
    }
    const documented = operation.responses[String(status)];
    if (!documented) throw new Error(`${method} ${operation.template}: status ${status} is not documented (body ${JSON.stringify(body)})`);
    const schema = this.resolve(documented).content?.['application/json']?.schema;
    if (!schema) {
      if (body !== undefined) throw new Error(`${method} ${operation.template} ${status}: documented without a body, got ${JSON.stringify(body)}`);
      return;
    }
    if (!contentType?.startsWith('application/json')) {
      throw new Error(`${method} ${operation.template} ${status}: content-type ${contentType}, expected application/json`);
    }
    const key = `${method} ${operation.template} ${status}`;
    let validate = this.compiled.get(key);
    if (!validate) {
      // The document's components ride along, so `#/components/schemas/...` resolves within the schema.
      validate = this.ajv.compile({ ...schema, components: { schemas: this.components.schemas ?? {} } });
      this.compiled.set(key, validate);
    }
    if (!validate(body)) {
      throw new Error(`${key}: body does not match the OpenAPI schema: ${this.ajv.errorsText(validate.errors)}\n${JSON.stringify(body).slice(0, 2000)}`);
    }
  }
}
