import http from 'node:http';
import https from 'node:https';
import { Readable } from 'node:stream';

/**
 * `fetch` for the never-ending responses of event streams, on node:http: aborting it destroys
 * the socket at once. Node's fetch keeps an aborted stream's connection open (the server then
 * holds the stream until it times out, and a server shutting down waits for it).
 */
export function streamFetch(url: string, init: { method?: string; headers?: Record<string, string>; signal?: AbortSignal }): Promise<Response> {
  return new Promise((resolve, reject) => {
    if (init.signal?.aborted) return reject(init.signal.reason);
    const target = new URL(url);
    const request = (target.protocol === 'https:' ? https : http).request(target, { method: init.method ?? 'GET', headers: init.headers, agent: false });
    const abort = () => request.destroy(new DOMException('The operation was aborted', 'AbortError'));
    init.signal?.addEventListener('abort', abort, { once: true });
    request.once('close', () => init.signal?.removeEventListener('abort', abort));
    request.once('error', (error) => reject(new TypeError('fetch failed', { cause: error })));
    request.once('response', (response) => {
      const headers = new Headers();
      for (const [name, value] of Object.entries(response.headers)) {
        if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
      }
      const body = Readable.toWeb(response) as unknown as ReadableStream<Uint8Array>;
      resolve(new Response(body, { status: response.statusCode ?? 0, headers }));
    });
    request.end();
  });
}
