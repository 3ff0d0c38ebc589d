import http from 'node:http';

export interface SseEvent {
  event: string;
  id: string | null;
  data: string;
}

/**
 * A text/event-stream reader over node:http (so that a test can stop reading, as a slow client
 * would): parses events as the HTML spec does, keeps every event and comment in order.
 */
export class SseClient {
  readonly events: SseEvent[] = [];
  readonly comments: string[] = [];
  /** Set when the server ends the stream. */
  ended = false;
  private buffer = '';
  private waiters: (() => void)[] = [];

  private constructor(
    readonly status: number,
    readonly headers: http.IncomingHttpHeaders,
    private readonly response: http.IncomingMessage,
    private readonly request: http.ClientRequest,
    /** The body of a response that is not a stream (an error). */
    readonly body: string,
  ) {}

  /** Opens `url`; resolves with the headers (a stream) or the whole body (anything but 200). */
  static open(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
    return new Promise((resolve, reject) => {
      const request = http.get(url, { headers: { accept: 'text/event-stream', ...headers } }, (response) => {
        response.setEncoding('utf8');
        if (response.statusCode !== 200) {
          let body = '';
          response.on('data', (chunk: string) => (body += chunk));
          response.on('end', () => resolve(new SseClient(response.statusCode ?? 0, response.headers, response, request, body)));
          return;
        }
        const client = new SseClient(200, response.headers, response, request, '');
        response.on('data', (chunk: string) => client.receive(chunk));
        response.on('end', () => client.finish());
        response.on('error', () => client.finish());
        response.on('close', () => client.finish());
        resolve(client);
      });
      request.on('error', reject);
    });
  }

  pause(): void {
    this.response.pause();
  }

  resume(): void {
    this.response.resume();
  }

  close(): void {
    this.request.destroy();
    this.finish();
  }

  /** Waits until `done()` holds over what has arrived (or the stream ends: then it throws). */
  async until(done: (client: SseClient) => boolean, what: string, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!done(this)) {
      if (this.ended) throw new Error(`stream ended before ${what}; got ${JSON.stringify(this.events.map((e) => `${e.event}#${e.id}`))}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${what} within ${timeoutMs} ms; got ${JSON.stringify(this.events.map((e) => `${e.event}#${e.id}`))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Waits for `count` events named `event` (all names when null); answers them. */
  async take(count: number, event: string | null = null, timeoutMs?: number): Promise<SseEvent[]> {
    const named = () => this.events.filter((e) => event === null || e.event === event);
    await this.until(() => named().length >= count, `${count} ${event ?? 'event'}(s)`, timeoutMs);
    return named().slice(0, count);
  }

  /** Waits for the server to end the stream. */
  async closedByServer(timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.ended) {
      if (Date.now() > deadline) throw new Error('the server did not end the stream');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 100);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  private receive(chunk: string): void {
    this.buffer += chunk;
    let end: number;
    while ((end = this.buffer.search(/\r\n\r\n|\n\n|\r\r/)) !== -1) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + (this.buffer.startsWith('\r\n\r\n', end) ? 4 : 2));
      this.parse(block);
    }
    this.notify();
  }

  private parse(block: string): void {
    let event = 'message';
    let id: string | null = null;
    const data: string[] = [];
    let any = false;
    for (const line of block.split(/\r\n|\n|\r/)) {
      if (line.startsWith(':')) {
        this.comments.push(line.slice(1).trim());
        continue;
      }
      const colon = line.indexOf(':');
      const field = colon === -1 ? line : line.slice(0, colon);
      let value = colon === -1 ? '' : line.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      any = true;
      if (field === 'event') event = value;
      else if (field === 'id') id = value;
      else if (field === 'data') data.push(value);
    }
    if (any && data.length > 0) this.events.push({ event, id, data: data.join('\n') });
  }

  private finish(): void {
    this.ended = true;
    this.notify();
  }

  private notify(): void {
    for (const wake of this.waiters.splice(0)) wake();
  }
}
