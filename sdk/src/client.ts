import { OPERATIONS } from './operations.js';
import { ParleyError } from './errors.js';
import { orderOperations, type AnyOrder, type Message, type OrderKind } from './orders.js';
import { parseEventStream, type ServerSentEvent } from './sse.js';
import { Transport, type TransportOptions } from './transport.js';
import type { CallArgs, CallParams, CallResult, OperationId, PageItem, PaginatedOperationId } from './types.js';

export type ParleyOptions = TransportOptions;

export interface StreamOptions {
  /** Resume after this event id (sent as Last-Event-ID). */
  lastEventId?: string;
  /** Reconnect (resuming after the last id seen) when the connection ends; default true. */
  reconnect?: boolean;
  signal?: AbortSignal;
  /** Called each time the server has accepted the stream (first connection and reconnections). */
  onOpen?: (info: { reconnected: boolean }) => void;
}

type Query = Record<string, string | number | boolean | readonly (string | number)[] | undefined>;

/** `/v2/account-orders/{accountOrder}` with its parameters filled in. */
function fillPath(template: string, params: Record<string, string | number> = {}): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new TypeError(`Missing path parameter ${name} for ${template}`);
    return encodeURIComponent(String(value));
  });
}

/** Laravel's query string: lists as comma lists (`filter[status]=pending,delivered`). */
function queryString(query: Query = {}): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    search.append(key, Array.isArray(value) ? value.join(',') : String(value));
  }
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}

const TEMPLATES = Object.entries(OPERATIONS).map(([id, route]) => ({
  id,
  method: route.method as string,
  pattern: new RegExp(`^${route.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{\w+\}/g, '[^/]+')}$`),
}));

/** The operationId a method and path belong to, if the document has it. */
export function operationIdOf(method: string, path: string): string | null {
  const pathname = path.split('?')[0]!;
  return TEMPLATES.find((t) => t.method === method.toUpperCase() && t.pattern.test(pathname))?.id ?? null;
}

/**
 * The Parley API client. `call(operationId, params)` reaches every operation of the document,
 * typed from it; the methods below it are shortcuts for what integrations do most.
 */
export class Parley {
  readonly transport: Transport;

  constructor(options: ParleyOptions) {
    this.transport = new Transport(options);
  }

  /** Any operation by its operationId: path parameters, query and body as the document declares them. */
  async call<I extends OperationId>(operationId: I, ...args: CallArgs<I>): Promise<CallResult<I>> {
    const route = OPERATIONS[operationId];
    if (!route) throw new TypeError(`Unknown operation ${String(operationId)}`);
    const params = (args[0] ?? {}) as CallParams<I> & { path?: Record<string, string | number>; query?: Query; body?: unknown };
    return (await this.transport.send({
      operationId,
      method: route.method,
      path: fillPath(route.path, params.path) + queryString(params.query),
      body: params.body,
      headers: params.headers,
      idempotencyKey: params.idempotencyKey,
      signal: params.signal,
    })) as CallResult<I>;
  }

  /** Every element of a paginated list, page after page, from the page asked for (default 1). */
  async *paginate<I extends PaginatedOperationId>(operationId: I, ...args: CallArgs<I>): AsyncGenerator<PageItem<I>> {
    const params = (args[0] ?? {}) as { query?: Query };
    let page = Number(params.query?.page ?? 1);
    for (;;) {
      const result: { data: PageItem<I>[]; meta: { current_page: number; last_page: number } } =
        await this.callAny(operationId, { ...params, query: { ...params.query, page } });
      yield* result.data;
      if (result.data.length === 0 || result.meta.current_page >= result.meta.last_page) return;
      page = result.meta.current_page + 1;
    }
  }

  /**
   * A server-sent event stream as an async iterator. Heartbeats are skipped; when the connection
   * ends it reconnects with Last-Event-ID, so no event is lost or repeated. After a `reset` event
   * (handed on: reload what you show) it reconnects without one. Stop with `break` or the
   * signal. `path` is relative to the base URL, query string included.
   */
  async *stream(path: string, options: StreamOptions = {}): AsyncGenerator<ServerSentEvent> {
    const controller = new AbortController();
    const stop = () => controller.abort();
    options.signal?.addEventListener('abort', stop);
    let lastEventId = options.lastEventId ?? null;
    let delayMs = 1000;
    let opened = false;
    const sleep = (ms: number) => this.transport.sleep(ms);
    try {
      while (!controller.signal.aborted) {
        let response: Response;
        try {
          response = await this.transport.open({
            operationId: operationIdOf('GET', path),
            method: 'GET',
            path,
            headers: { accept: 'text/event-stream', ...(lastEventId === null ? {} : { 'last-event-id': lastEventId }) },
            signal: controller.signal,
          });
        } catch (error) {
          // An answer of the server (401, 404, ...) will not change by retrying.
          if (options.reconnect === false || controller.signal.aborted || (error instanceof ParleyError && error.status !== 0 && error.status < 500)) throw error;
          await sleep(delayMs);
          continue;
        }
        options.onOpen?.({ reconnected: opened });
        opened = true;
        try {
          for await (const event of parseEventStream(response.body!)) {
            if (event.retry !== null) delayMs = event.retry;
            if (event.id !== null) lastEventId = event.id;
            const { retry: _retry, ...delivered } = event;
            yield delivered;
            // The server lost our place (too far behind, unknown id): reconnect from now on; the
            // caller reloads what it missed (see `reset` in the stream's description).
            if (event.event === 'reset') lastEventId = null;
          }
        } catch (error) {
          if (controller.signal.aborted) return;
          if (options.reconnect === false) throw error;
        }
        if (options.reconnect === false) return;
        await sleep(delayMs);
      }
    } finally {
      options.signal?.removeEventListener('abort', stop);
      controller.abort();
    }
  }

  /** `call` for an operation chosen at run time (per-kind shortcuts below): untyped params and answer. */
  private callAny(operationId: string, params: Record<string, unknown>): Promise<any> {
    return (this.call as (id: string, params: unknown) => Promise<unknown>).call(this, operationId, params);
  }

  /** One page of an order kind's list (GameBoost's filters and paging in `query`). */
  listOrders(kind: OrderKind, query: Query = {}): Promise<{ data: AnyOrder[]; meta: { current_page: number; last_page: number; total: number } }> {
    return this.callAny(orderOperations(kind).list, { query });
  }

  async getOrder(kind: OrderKind, id: number | string): Promise<AnyOrder> {
    const ops = orderOperations(kind);
    return (await this.callAny(ops.get, { path: { [ops.param]: id } })).data;
  }

  /** The whole thread, oldest first (`after`/`limit` in `query` for part of it). */
  async listMessages(kind: OrderKind, id: number | string, query: Query = {}): Promise<Message[]> {
    const ops = orderOperations(kind);
    return (await this.callAny(ops.listMessages, { path: { [ops.param]: id }, query })).data;
  }

  async sendMessage(kind: OrderKind, id: number | string, message: string, options: { idempotencyKey?: string } = {}): Promise<Message> {
    const ops = orderOperations(kind);
    return (await this.callAny(ops.sendMessage, { path: { [ops.param]: id }, body: { message }, ...options })).data;
  }

  /** Admin: an order as after a purchase (`game_id`, `seller_id`, `buyer_id`, `title`, the price...). */
  async createOrder(kind: OrderKind, body: Record<string, unknown>): Promise<AnyOrder> {
    return (await this.callAny(orderOperations(kind).create, { body })).data;
  }

  /** Admin: status, rating or dispute fields. */
  async updateOrder(kind: OrderKind, id: number | string, body: Record<string, unknown>): Promise<AnyOrder> {
    const ops = orderOperations(kind);
    return (await this.callAny(ops.update, { path: { [ops.param]: id }, body })).data;
  }

  /** An order's thread live: `message` events (data: the Message), `status`, `reset`. */
  streamMessages(kind: OrderKind, orderId: number | string, options: StreamOptions = {}): AsyncGenerator<ServerSentEvent> {
    return this.stream(`/v2/${kind}-orders/${encodeURIComponent(String(orderId))}/messages/stream`, options);
  }

  /** The caller's webhook events live (event: the topic, data: the delivery's payload). */
  streamEvents(options: StreamOptions & { topics?: string[] } = {}): AsyncGenerator<ServerSentEvent> {
    return this.stream(`/v2/events/stream${queryString({ topics: options.topics?.length ? options.topics : undefined })}`, options);
  }
}

/** `new Parley(options)`. */
export function createParley(options: ParleyOptions): Parley {
  return new Parley(options);
}
