import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { expect } from 'vitest';
import type { TestParley } from '../support/parley.js';
import { SseClient, type SseEvent } from './sse-client.js';

/** `/v2/<kind>-orders/<id>/messages/stream`. */
export const orderStreamPath = (path: string, id: number) => `${path}/${id}/messages/stream`;

/** Opens a stream of `parley` with a Bearer key (or none), and any other headers. */
export async function openStream(parley: { url: string }, path: string, token: string | null, headers: Record<string, string> = {}): Promise<SseClient> {
  return SseClient.open(`${parley.url}${path}`, { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers });
}

/** Opens a stream expecting 200 and a text/event-stream. */
export async function openOk(parley: { url: string }, path: string, token: string | null, headers: Record<string, string> = {}): Promise<SseClient> {
  const client = await openStream(parley, path, token, headers);
  expect(client.status, client.body).toBe(200);
  expect(client.headers['content-type']).toBe('text/event-stream; charset=utf-8');
  expect(client.headers['cache-control']).toBe('no-store');
  return client;
}

/**
 * The `data` schemas the served OpenAPI document gives each event of a stream operation (its
 * text/event-stream response's `x-events`), with the document's components for their $refs.
 */
export class EventSchemas {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true });
  private readonly compiled = new Map<string, ValidateFunction>();
  private constructor(private readonly document: any) {
    addFormats.default(this.ajv);
  }

  static async of(parley: { url: string }): Promise<EventSchemas> {
    return new EventSchemas(await (await fetch(`${parley.url}/api/openapi.json`)).json());
  }

  /** Parses an event's data and checks it against the schema documented for it at `path` (an OpenAPI path). */
  check(event: SseEvent, path = '/v2/account-orders/{accountOrder}/messages/stream'): any {
    const data = JSON.parse(event.data) as unknown;
    const key = `${path} ${event.event}`;
    let validate = this.compiled.get(key);
    if (!validate) {
      const events = this.document.paths[path]?.get?.responses?.['200']?.content?.['text/event-stream']?.schema?.['x-events'];
      const schema = events?.[event.event];
      if (!schema) throw new Error(`${path}: no documented event ${event.event}`);
      validate = this.ajv.compile({ ...schema, components: { schemas: this.document.components.schemas } });
      this.compiled.set(key, validate);
    }
    if (!validate(data)) throw new Error(`${event.event} data does not match the document: ${this.ajv.errorsText(validate.errors)}\n${event.data.slice(0, 1000)}`);
    return data;
  }
}

/** Sends a message as `token`, expecting 200; answers the Message as the REST API served it. */
export async function send(parley: TestParley, path: string, orderId: number, token: string, text: string): Promise<any> {
  const res = await parley.api.withToken(token).post(`${path}/${orderId}/messages`, { message: text });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.data;
}

/** The numeric ids of events, in order. */
export const idsOf = (events: SseEvent[]) => events.map((e) => Number(e.id));
