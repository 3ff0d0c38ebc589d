import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { consoleRoutes } from '../../../src/http/routes/console.js';

describe('GET /console before the console is built', () => {
  it('answers 503 saying how to build it, not a blank page', async () => {
    const app = Fastify();
    await app.register(consoleRoutes({ dir: mkdtempSync(path.join(os.tmpdir(), 'parley-no-console-')), env: 'sandbox' }));
    const page = await app.inject({ method: 'GET', url: '/console' });
    expect(page.statusCode).toBe(503);
    expect(page.body).toContain('npm run build:web');
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    expect((await app.inject({ method: 'GET', url: '/console/assets/console-0.js' })).statusCode).toBe(404);
    await app.close();
  });
});
