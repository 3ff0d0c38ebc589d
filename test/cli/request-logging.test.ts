import BetterSqlite3 from 'better-sqlite3';
import pino from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { systemClock } from '../../src/domain/clock.js';
import type { Store } from '../../src/domain/ports.js';
import type { ApiKeyAuthenticator } from '../../src/domain/api-keys.js';
import { buildApp } from '../../src/http/app.js';
import type { ParleyContext } from '../../src/http/context.js';
import { tempDbFile } from '../support/parley.js';
import { clientFor, spawnParley, type ServerProcess } from '../support/server-process.js';

let server: ServerProcess | null = null;
afterEach(async () => {
  await server?.kill();
  server = null;
});

const ADMIN = 'request-logging-admin';

/** A seller's key and an order it may send to, on a freshly spawned server. */
async function arrange(url: string): Promise<{ token: string; orderId: number }> {
  const api = (await clientFor(url)).withToken(ADMIN);
  const seller = await api.post('/admin/v1/users', { username: 'log-seller', role: 'seller' });
  const buyer = await api.post('/admin/v1/users', { username: 'log-buyer', role: 'buyer' });
  const game = await api.post('/admin/v1/games', { name: 'Game', slug: 'game' });
  const order = await api.post('/admin/v1/account-orders', {
    seller_id: seller.body.data.id, buyer_id: buyer.body.data.id, game_id: game.body.data.id, title: 'Account', price: '9.99', status: 'pending',
  });
  expect(order.status, order.text).toBe(201);
  const key = await api.post(`/admin/v1/users/${seller.body.data.id}/api-keys`, { name: 'log key' });
  return { token: key.body.data.token, orderId: order.body.data.id };
}

function send(url: string, token: string, orderId: number): Promise<Response> {
  return fetch(`${url}/v2/account-orders/${orderId}/messages`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ message: 'hello' }),
  });
}

function logLines(output: string): Record<string, unknown>[] {
  return output.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('request logging', () => {
  it('at info, logs one line per request, with its request id, and why a key was refused (never the key)', async () => {
    server = await spawnParley({ DATABASE_URL: tempDbFile(), PARLEY_ADMIN_TOKEN: ADMIN, LOG_LEVEL: 'info', PARLEY_SEED_DEMO: 'false' });
    const { token, orderId } = await arrange(server.url);
    const response = await send(server.url, token, orderId);
    expect(response.status).toBe(200);
    const requestId = response.headers.get('x-gameboost-request-id');
    const refused = {
      missing: await fetch(`${server.url}/v2/account-orders`),
      malformed: await fetch(`${server.url}/v2/account-orders`, { headers: { authorization: 'Basic c2VjcmV0' } }),
      unknown: await fetch(`${server.url}/v2/account-orders`, { headers: { authorization: 'Bearer not-a-key-0123456789' } }),
    };
    // SIGTERM: the lines still queued for stdout are written before the process exits.
    await server.kill();
    const lines = logLines(server.output());
    const mine = lines.filter((line) => line.reqId === requestId);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({
      level: 30, msg: 'request completed',
      req: { method: 'POST', url: `/v2/account-orders/${orderId}/messages` }, res: { statusCode: 200 },
      responseTime: expect.any(Number),
    });
    for (const [reason, res] of Object.entries(refused)) {
      expect(res.status).toBe(401);
      const line = lines.filter((l) => l.reqId === res.headers.get('x-gameboost-request-id'));
      expect(line, reason).toHaveLength(1);
      expect(line[0]).toMatchObject({ res: { statusCode: 401 }, authFailure: reason });
    }
    expect(server.output()).not.toContain('not-a-key-0123456789');
    expect(server.output()).not.toContain('c2VjcmV0');
  });

  it('above info, logs no line for a request that succeeds, and an unhandled error with its request id', async () => {
    const dbFile = tempDbFile();
    server = await spawnParley({ DATABASE_URL: dbFile, PARLEY_ADMIN_TOKEN: ADMIN, LOG_LEVEL: 'warn', PARLEY_SEED_DEMO: 'false' });
    const { token, orderId } = await arrange(server.url);
    const ok = await send(server.url, token, orderId);
    expect(ok.status).toBe(200);

    // Break the store under the running server: the next send can only fail inside it.
    const db = new BetterSqlite3(dbFile);
    db.pragma('foreign_keys = OFF');
    db.exec('DROP TABLE messages');
    db.close();
    const failed = await send(server.url, token, orderId);
    expect(failed.status).toBe(500);
    const body = (await failed.json()) as { message: string; request_id: string };
    expect(body.message).toBe('Server Error.');
    await server.kill();

    const lines = logLines(server.output());
    expect(lines.some((line) => line.msg === 'incoming request' || line.msg === 'request completed')).toBe(false);
    const errors = lines.filter((line) => line.msg === 'unhandled error');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ level: 50, reqId: body.request_id });
    expect(String((errors[0]!.err as { message?: string }).message)).toContain('messages');
  });
});

/**
 * The app as buildApp makes it, at warn, on a store that fails: Fastify runs without a logger
 * there, and what is logged through request.log and app.log must still be written.
 */
describe('logging above info, in process', () => {
  const seller = { id: 7, username: 'seller', role: 'seller' as const, created_at: 0 };
  const actor = { user: seller, apiKeyId: 3, isAdmin: false };
  const context = {
    clock: systemClock,
    store: { orders: { sellerVersion: async () => 0, list: async () => Promise.reject(new Error('the disk is on fire')) } } as unknown as Store,
    authenticator: { authenticateCached: () => actor, authenticate: async () => actor } as unknown as ApiKeyAuthenticator,
    rateLimits: { reads: 0, writes: 0, chat: 0 },
    orderSettings: { eurUsdRate: 1.08 },
  } as unknown as ParleyContext;

  async function quietApp() {
    const lines: Record<string, unknown>[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
    const child = vi.spyOn(logger, 'child');
    const app = await buildApp(context, { logger, version: 'test' });
    return { app, lines, child };
  }

  it('writes an error logged through request.log, with its request id, and nothing for the request itself', async () => {
    const { app, lines } = await quietApp();
    try {
      const failed = await app.inject({ method: 'GET', url: '/v2/account-orders', headers: { authorization: 'Bearer anything' } });
      expect(failed.statusCode).toBe(500);
      expect(lines.map((line) => line.msg)).toEqual(['unhandled error']);
      expect(lines[0]).toMatchObject({ level: 50, reqId: failed.headers['x-gameboost-request-id'], err: { message: 'the disk is on fire' } });
    } finally {
      await app.close();
    }
  });

  it('writes what is logged through app.log, and makes no child logger for a request that logs nothing', async () => {
    const { app, lines, child } = await quietApp();
    try {
      const ok = await app.inject({ method: 'GET', url: '/health' });
      expect(ok.statusCode).toBe(200);
      expect(child).not.toHaveBeenCalled();
      app.log.error('said through app.log');
      app.log.info('below the level');
      expect(lines.map((line) => line.msg)).toEqual(['said through app.log']);
    } finally {
      await app.close();
    }
  });
});
