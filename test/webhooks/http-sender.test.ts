import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postWebhook, ReceiverPools } from '../../src/webhooks/http-sender.js';

/**
 * The sender's own contract, against a local server: the status is what counts, an answer is
 * read up to the limit, a receiver that never answers ends at the deadline, and connections are
 * kept alive between posts to one endpoint.
 */

let server: http.Server;
let base: string;
let connections = 0;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.url === '/hang') return; // never answered
      if (req.url === '/big') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('x'.repeat(1024 * 1024));
        return;
      }
      res.writeHead(req.url === '/fail' ? 500 : 204);
      res.end();
    });
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const options = { env: 'sandbox' as const, timeoutMs: 5_000, maxResponseBytes: 1024 };

describe('postWebhook', () => {
  it('answers the status, success or not', async () => {
    expect(await postWebhook(`${base}/ok`, {}, '{}', options)).toMatchObject({ statusCode: 204, error: null });
    expect(await postWebhook(`${base}/fail`, {}, '{}', options)).toMatchObject({ statusCode: 500, error: null });
  });

  it('reads an answer only up to the limit and still has its status', async () => {
    expect(await postWebhook(`${base}/big`, {}, '{}', options)).toMatchObject({ statusCode: 200, error: null });
  });

  it('gives up on a receiver that never answers at the deadline, with no status', async () => {
    const result = await postWebhook(`${base}/hang`, {}, '{}', { ...options, timeoutMs: 200 });
    expect(result).toMatchObject({ statusCode: null, error: 'timed out after 200 ms' });
  });

  it('names a refused connection', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', () => resolve()));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const result = await postWebhook(`http://127.0.0.1:${port}/`, {}, '{}', options);
    expect(result.statusCode).toBeNull();
    expect(result.error).toMatch(/ECONNREFUSED/);
  });
});

describe('ReceiverPools', () => {
  it('keeps connections alive: 20 posts to one endpoint, one after another, reuse its connections', async () => {
    const pools = new ReceiverPools({ env: 'sandbox', connectionsPerEndpoint: 2 });
    try {
      const before = connections;
      for (let i = 0; i < 20; i++) expect((await pools.post('1', `${base}/ok`, {}, '{}', options)).statusCode).toBe(204);
      // The next post may go out before the pool counts the last connection free: at most two.
      expect(connections - before).toBeLessThanOrEqual(2);
    } finally {
      await pools.close();
    }
  });

  it('opens at most the endpoint\'s concurrency of connections however many posts are under way', async () => {
    const pools = new ReceiverPools({ env: 'sandbox', connectionsPerEndpoint: 3 });
    try {
      const before = connections;
      const results = await Promise.all(Array.from({ length: 30 }, () => pools.post('2', `${base}/ok`, {}, '{}', options)));
      expect(results.every((r) => r.statusCode === 204)).toBe(true);
      expect(connections - before).toBeLessThanOrEqual(3);
    } finally {
      await pools.close();
    }
  });
});
