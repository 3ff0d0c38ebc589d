import { once } from 'node:events';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { httpServerOptions } from '../../src/http/transport.js';
import { addressOf, expectRawError, rawExchange } from '../http/misc/raw-http.js';
import { startTestParley, type TestParley } from '../support/parley.js';

const TIMEOUT = 'The request took too long to arrive.';

describe('slow clients are cut off within the configured time (PARLEY_REQUEST_TIMEOUT_SECONDS=2, PARLEY_HEADERS_TIMEOUT_SECONDS=1)', () => {
  let parley: TestParley;
  beforeAll(async () => {
    parley = await startTestParley({ PARLEY_REQUEST_TIMEOUT_SECONDS: '2', PARLEY_HEADERS_TIMEOUT_SECONDS: '1' });
  });
  afterAll(() => parley.close());

  const sendHead = (token: string, orderId: number, length: number) =>
    `POST /v2/account-orders/${orderId}/messages HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\n` +
    `Content-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`;

  it('answers 408 to a body trickled a byte at a time (Content-Length 100000), closes it, and stores nothing', async () => {
    const { seller, order } = await parley.fixtures.scenario('pending');
    const started = Date.now();
    const res = await rawExchange(parley.url, `${sendHead(seller.token, order.id, 100_000)}{"message":"`, { trickle: { everyMs: 200 }, waitMs: 15_000 });
    const elapsed = Date.now() - started;
    expect(res.closed, 'the server closed the connection').toBe(true);
    expectRawError(res, 408, TIMEOUT);
    // Not before the configured 2 s, and long before the test's own 15 s.
    expect(elapsed).toBeGreaterThanOrEqual(1_900);
    expect(parley.readDb((db) => db.prepare('select count(*) as n from messages').get())).toEqual({ n: 0 });
  });

  it('without a key: answers 401 at once and closes the connection once the time is up, with nothing more', async () => {
    const res = await rawExchange(parley.url, sendHead('nope', 1, 100_000), { trickle: { everyMs: 200 }, waitMs: 15_000 });
    expect(res.closed).toBe(true);
    expectRawError(res, 401, 'Unauthenticated.');
  });

  it('answers 408 to headers that never end, after the header time', async () => {
    const started = Date.now();
    const res = await rawExchange(parley.url, 'GET /v2/account-orders HTTP/1.1\r\nHost: x\r\nX-Slow: ', { trickle: { everyMs: 100 }, waitMs: 15_000 });
    expect(res.closed).toBe(true);
    expectRawError(res, 408, TIMEOUT);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it('closes a connection that never sends a byte', async () => {
    const res = await rawExchange(parley.url, '', { waitMs: 15_000 });
    expect(res.closed).toBe(true);
  });

  it('serves a slow body that arrives within the time', async () => {
    const { seller, order } = await parley.fixtures.scenario('pending');
    const body = '{"message":"slow but in time"}';
    const { host, port } = addressOf(parley.url);
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(port, host, async () => {
        socket.write(sendHead(seller.token, order.id, body.length));
        // Four pieces 100 ms apart: well inside the 2 s.
        for (let i = 0; i < 4; i++) {
          await new Promise((r) => setTimeout(r, 100));
          socket.write(body.slice((i * body.length) / 4, ((i + 1) * body.length) / 4));
        }
      });
      let text = '';
      socket.on('data', (chunk) => {
        text += chunk;
        if (text.includes('\r\n\r\n') && text.endsWith('}')) socket.end();
      });
      socket.on('close', () => resolve(text));
      socket.on('error', reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 200 /);
    expect(answer).toContain('"text":"slow but in time"');
  });
});

describe('connections per client address (PARLEY_MAX_CONNECTIONS_PER_IP=3)', () => {
  let parley: TestParley;
  beforeAll(async () => {
    parley = await startTestParley({ PARLEY_MAX_CONNECTIONS_PER_IP: '3' });
  });
  afterAll(() => parley.close());

  // Other loopback addresses (Linux routes all of 127/8 to lo): apart from the test client's own
  // pooled connections from 127.0.0.1, and apart from each other.
  const open = (localAddress: string) =>
    new Promise<net.Socket>((resolve, reject) => {
      const { host, port } = addressOf(parley.url);
      const socket = net.connect({ port, host, localAddress }, () => resolve(socket));
      socket.on('error', reject);
    });
  const closedWithin = (socket: net.Socket, ms: number) =>
    new Promise<boolean>((resolve) => {
      if (socket.destroyed) return resolve(true);
      const timer = setTimeout(() => resolve(false), ms);
      socket.once('close', () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  const health = async (socket: net.Socket) => {
    socket.write('GET /health HTTP/1.1\r\nHost: x\r\n\r\n');
    const [chunk] = (await once(socket, 'data')) as [Buffer];
    return chunk.toString('latin1').split(' ')[1];
  };

  it('closes a connection beyond the cap at once, counts each address apart, and takes new ones once one closes', async () => {
    const held = [await open('127.0.0.2'), await open('127.0.0.2'), await open('127.0.0.2')];
    try {
      const fourth = await open('127.0.0.2');
      fourth.on('error', () => undefined);
      expect(await closedWithin(fourth, 3_000), 'the fourth connection is closed').toBe(true);
      for (const socket of held) expect(await health(socket)).toBe('200');

      const elsewhere = await open('127.0.0.3');
      expect(await health(elsewhere)).toBe('200');
      elsewhere.destroy();

      const gone = held.pop()!;
      gone.destroy();
      // The count drops on the server's 'close', a moment after ours.
      await new Promise((r) => setTimeout(r, 200));
      const again = await open('127.0.0.2');
      held.push(again);
      expect(await health(again)).toBe('200');
    } finally {
      for (const socket of held) socket.destroy();
    }
  });
});

describe('limits configuration', () => {
  it('defaults to 60 s per request, 20 s for headers, 72 s keep-alive and 256 connections per address', () => {
    expect(loadConfig({}).http).toEqual({ requestTimeoutSeconds: 60, headersTimeoutSeconds: 20, keepAliveTimeoutSeconds: 72, maxConnectionsPerIp: 256 });
  });

  it('reads each from the environment, 0 switching the request limit and the cap off', () => {
    const config = loadConfig({
      PARLEY_REQUEST_TIMEOUT_SECONDS: '0',
      PARLEY_HEADERS_TIMEOUT_SECONDS: '5',
      PARLEY_KEEP_ALIVE_TIMEOUT_SECONDS: '10',
      PARLEY_MAX_CONNECTIONS_PER_IP: '0',
    });
    expect(config.http).toEqual({ requestTimeoutSeconds: 0, headersTimeoutSeconds: 5, keepAliveTimeoutSeconds: 10, maxConnectionsPerIp: 0 });
    expect(() => loadConfig({ PARLEY_REQUEST_TIMEOUT_SECONDS: 'soon' })).toThrow(/PARLEY_REQUEST_TIMEOUT_SECONDS/);
  });

  it('hands Node a header time no longer than the request time, and checks often enough for the shortest', () => {
    const limits = { keepAliveTimeoutSeconds: 72, maxConnectionsPerIp: 256 };
    expect(httpServerOptions({ ...limits, requestTimeoutSeconds: 60, headersTimeoutSeconds: 20 })).toEqual({
      requestTimeout: 60_000, headersTimeout: 20_000, connectionsCheckingInterval: 5_000, requireHostHeader: false,
    });
    expect(httpServerOptions({ ...limits, requestTimeoutSeconds: 10, headersTimeoutSeconds: 20 })).toMatchObject({ requestTimeout: 10_000, headersTimeout: 10_000, connectionsCheckingInterval: 2_500 });
    expect(httpServerOptions({ ...limits, requestTimeoutSeconds: 0, headersTimeoutSeconds: 20 })).toMatchObject({ requestTimeout: 0, headersTimeout: 20_000 });
    expect(httpServerOptions({ ...limits, requestTimeoutSeconds: 1, headersTimeoutSeconds: 1 })).toMatchObject({ connectionsCheckingInterval: 250 });
  });
});
