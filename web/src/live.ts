import { ApiError, callApi } from './api.js';
import type { Message, Order, OrderKind } from './kinds.js';

export type LiveState = 'connecting' | 'live' | 'reconnecting' | 'unavailable';

export interface LiveHandlers {
  message(message: Message): void;
  status(order: Order): void;
  /**
   * A stream was opened (the first one too: reading the thread after it is open leaves no gap),
   * or said `reset`: the thread must be read again.
   */
  resync(): void;
  state(state: LiveState): void;
}

const MAX_BACKOFF_MS = 30_000;

/**
 * The order's event stream. The browser's EventSource cannot send a header, so a short-lived
 * stream token minted with the key goes in the URL instead of the key. EventSource resumes by
 * itself (Last-Event-ID) after a dropped connection; when the server refuses the resumption (an
 * expired token answers 401, which closes the source), a new token opens a new stream and the
 * page reads what it missed over REST.
 */
export function openLiveThread(token: string, kind: OrderKind, id: number, handlers: LiveHandlers): () => void {
  let source: EventSource | null = null;
  let stopped = false;
  let retry: ReturnType<typeof setTimeout> | null = null;
  let backoffMs = 1000;

  const reopenLater = () => {
    if (stopped) return;
    handlers.state('reconnecting');
    retry = setTimeout(open, backoffMs);
    backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
  };

  async function open(): Promise<void> {
    if (stopped) return;
    let streamToken: string;
    try {
      // Bound to this order: a token seen in a log or a history opens nothing else.
      const body = { order_kind: kind, order_id: id };
      streamToken = (await callApi<{ data: { token: string } }>(token, 'POST', '/v2/stream-tokens', body)).data.token;
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) handlers.state('unavailable');
      else reopenLater();
      return;
    }
    if (stopped) return;
    const url = `/v2/${kind}-orders/${id}/messages/stream?stream_token=${encodeURIComponent(streamToken)}`;
    const current = new EventSource(url);
    source = current;
    let reopened = false;
    let sawEvent = false;
    current.addEventListener('open', () => {
      backoffMs = 1000;
      handlers.state('live');
      // EventSource's own reconnection resumes after the last event id it saw: nothing to read
      // again, unless it saw none (it then has no position and starts from now).
      if (!reopened || !sawEvent) handlers.resync();
      reopened = true;
    });
    current.addEventListener('message', (event) => {
      sawEvent = true;
      handlers.message(JSON.parse((event as MessageEvent<string>).data) as Message);
    });
    current.addEventListener('status', (event) => {
      sawEvent = true;
      handlers.status((JSON.parse((event as MessageEvent<string>).data) as { order: Order }).order);
    });
    // The server closes the stream after `reset`: a new one (without Last-Event-ID) reads again on open.
    current.addEventListener('reset', () => {
      current.close();
      reopenLater();
    });
    current.addEventListener('error', () => {
      if (current.readyState === EventSource.CLOSED) reopenLater();
      else handlers.state('reconnecting');
    });
  }

  void open();
  return () => {
    stopped = true;
    if (retry) clearTimeout(retry);
    source?.close();
  };
}
