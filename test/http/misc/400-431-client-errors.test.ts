import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { expectRawError, rawExchange } from './raw-http.js';

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley();
});
afterAll(() => parley.close());

const request = (head: string, ...extra: Uint8Array[]) => Buffer.concat([Buffer.from(head, 'latin1'), ...extra]);

/**
 * What Node's HTTP parser refuses before any route runs still answers in the Laravel shape with a
 * request id, and closes the connection (the rest of the stream cannot be trusted).
 */
describe('requests refused below the app', () => {
  it.each([
    ['a control byte in Content-Type', 'GET /v2/account-orders HTTP/1.1\r\nHost: x\r\nContent-Type: app\x01json\r\n\r\n'],
    ['a header name with a space', 'GET /v2/account-orders HTTP/1.1\r\nHost: x\r\nBad Header: 1\r\n\r\n'],
    ['a raw byte above 0x7f in the path', 'GET /v2/account-orders/\xff HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['a malformed request line', 'GET\r\n\r\n'],
    ['an invalid Content-Length', 'POST /v2/account-orders/1/messages HTTP/1.1\r\nHost: x\r\nContent-Length: 1x\r\n\r\n'],
    ['both Content-Length and chunked', 'POST /v2/account-orders/1/messages HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n'],
  ])('answers 400 {"message": "Bad request."} for %s', async (_label, head) => {
    const res = await rawExchange(parley.url, request(head));
    expectRawError(res, 400, 'Bad request.');
    expect(res.closed).toBe(true);
  });

  it('answers 431 for headers over 16 KiB', async () => {
    const res = await rawExchange(parley.url, request(`GET /v2/account-orders HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`));
    expectRawError(res, 431, 'The request headers are too large.');
    expect(res.closed).toBe(true);
  });

  it('answers 400 for an HTTP/1.1 request without Host, in the same shape', async () => {
    const res = await rawExchange(parley.url, request('GET /v2/account-orders HTTP/1.1\r\nConnection: close\r\n\r\n'));
    expectRawError(res, 400, 'The Host header is required.');
  });

  it('still serves the next client normally', async () => {
    const res = await parley.api.get('/health');
    expect(res.status).toBe(200);
  });
});
