import net from 'node:net';
import { expect } from 'vitest';

/** What came back on a raw socket: the parsed first response (if any) and whether the server closed. */
export interface RawResponse {
  status: number | null;
  headers: Record<string, string>;
  body: string;
  /** The server closed the connection (not the test's time limit). */
  closed: boolean;
}

/** The server's address as host and port, from its base URL. */
export function addressOf(url: string): { host: string; port: number } {
  const { hostname, port } = new URL(url);
  return { host: hostname, port: Number(port) };
}

function parse(raw: Buffer, closed: boolean): RawResponse {
  const text = raw.toString('latin1');
  const end = text.indexOf('\r\n\r\n');
  if (end === -1) return { status: null, headers: {}, body: '', closed };
  const [statusLine, ...lines] = text.slice(0, end).split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { status: Number(statusLine!.split(' ')[1]), headers, body: raw.subarray(Buffer.byteLength(text.slice(0, end + 4), 'latin1')).toString('utf8'), closed };
}

/**
 * Writes `bytes` on a new connection and reads until the server closes it, or `waitMs` passes
 * (then the socket is destroyed and `closed` is false). `trickle` keeps writing one byte every
 * `everyMs` after the first write, as a slow client does.
 */
export function rawExchange(
  url: string,
  bytes: string | Uint8Array,
  options: { waitMs?: number; trickle?: { everyMs: number } } = {},
): Promise<RawResponse> {
  const { host, port } = addressOf(url);
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let timer: NodeJS.Timeout | undefined;
    let drip: NodeJS.Timeout | undefined;
    const socket = net.connect(port, host, () => {
      socket.write(bytes);
      if (options.trickle) drip = setInterval(() => socket.writable && socket.write(' '), options.trickle.everyMs);
    });
    const finish = (closed: boolean) => {
      clearTimeout(timer);
      clearInterval(drip);
      socket.destroy();
      resolve(parse(Buffer.concat(chunks), closed));
    };
    timer = setTimeout(() => finish(false), options.waitMs ?? 5_000);
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', () => undefined); // a reset still ends in 'close'
    socket.on('close', () => finish(true));
  });
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The Laravel error shape on a raw response: exactly `{message, request_id}`, the id also in the header. */
export function expectRawError(res: RawResponse, status: number, message: string): void {
  expect(res.status, JSON.stringify(res)).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  const id = res.headers['x-gameboost-request-id'];
  expect(id).toMatch(UUID);
  expect(JSON.parse(res.body)).toStrictEqual({ message, request_id: id });
  expect(Number(res.headers['content-length'])).toBe(Buffer.byteLength(res.body));
}
