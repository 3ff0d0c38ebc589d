import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { ValidateFunction } from 'ajv';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void;

interface Operation {
  method: string;
  template: string;
  pattern: RegExp;
  responses: Record<string, { content?: Record<string, { schema: object }> }>;
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

  constructor(document: { paths: Record<string, Record<string, Operation['responses'] extends infer R ? { responses: R } : never>> }) {
    addFormats(this.ajv);
    for (const [template, methods] of Object.entries(document.paths)) {
      const pattern = new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`);
      for (const [method, operation] of Object.entries(methods)) {
        this.operations.push({ method: method.toUpperCase(), template, pattern, responses: operation.responses });
      }
    }
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
    const response = operation.responses[String(status)];
    if (!response) throw new Error(`${method} ${operation.template}: status ${status} is not documented (body ${JSON.stringify(body)})`);
    const schema = response.content?.['application/json']?.schema;
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
      validate = this.ajv.compile(schema);
      this.compiled.set(key, validate);
    }
    if (!validate(body)) {
      throw new Error(`${key}: body does not match the OpenAPI schema: ${this.ajv.errorsText(validate.errors)}\n${JSON.stringify(body).slice(0, 2000)}`);
    }
  }
}
