/** One server-sent event as the stream carried it. */
export interface ServerSentEvent {
  /** The `event:` field; `message` when the server named none. */
  event: string;
  /** The `id:` field (the stream's sequence), or null. */
  id: string | null;
  /** The `data:` lines, joined. */
  raw: string;
  /** The data parsed as JSON (the raw text when it is not JSON). */
  data: unknown;
}

interface Parsed extends ServerSentEvent {
  retry: number | null;
}

/** Parses the text/event-stream format (WHATWG HTML, 9.2) from a body; comments (heartbeats) are skipped. */
export async function* parseEventStream(body: ReadableStream<Uint8Array>): AsyncGenerator<Parsed> {
  const decoder = new TextDecoder();
  let buffer = '';
  let event = '';
  let id: string | null = null;
  let data: string[] = [];
  let retry: number | null = null;
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      buffer += done ? decoder.decode() : decoder.decode(value, { stream: true });
      for (;;) {
        const end = buffer.search(/\r\n|\r|\n/);
        // A \r at the end may be the first half of a \r\n still on its way.
        if (end < 0 || (end === buffer.length - 1 && buffer[end] === '\r' && !done)) break;
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + (buffer.startsWith('\r\n', end) ? 2 : 1));
        if (line === '') {
          if (data.length > 0) {
            const raw = data.join('\n');
            let parsed: unknown = raw;
            try {
              parsed = JSON.parse(raw);
            } catch {
              // Not JSON: handed over as text.
            }
            yield { event: event || 'message', id, raw, data: parsed, retry };
          }
          event = '';
          data = [];
          retry = null;
          continue;
        }
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'event') event = value;
        else if (field === 'data') data.push(value);
        else if (field === 'id' && !value.includes('\0')) id = value;
        else if (field === 'retry' && /^\d+$/.test(value)) retry = Number(value);
      }
      if (done) return;
    }
  } finally {
    reader.releaseLock();
    await body.cancel().catch(() => undefined);
  }
}
