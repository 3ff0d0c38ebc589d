import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDbFile } from '../support/parley.js';
import { spawnParley, type ServerProcess } from '../support/server-process.js';

/** Needs no Redis: it checks what happens when REDIS_URL points where none answers. */

async function deadPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('parley serve with a REDIS_URL that does not answer', () => {
  const dbFile = tempDbFile();
  const started: ServerProcess[] = [];
  afterAll(async () => {
    await Promise.all(started.map((p) => p.kill()));
    fs.rmSync(path.dirname(dbFile), { recursive: true, force: true });
  });

  it('exits at start with an error naming REDIS_URL (password hidden), and seeds nothing, so the next start is still the first', async () => {
    const port = await deadPort();
    const env = { DATABASE_URL: dbFile, PARLEY_ENCRYPTION_KEY: 'ab'.repeat(32), PARLEY_SEED_DEMO: 'true', PARLEY_ADMIN_TOKEN: '' };
    const failure = await spawnParley({ ...env, REDIS_URL: `redis://parley:s3cret-password@127.0.0.1:${port}` }).then(
      (p) => {
        started.push(p);
        throw new Error('parley started although Redis does not answer');
      },
      (error: Error) => error,
    );
    expect(failure.message).toMatch(/parley exited with [1-9]/);
    expect(failure.message).toContain(`REDIS_URL: cannot use Redis at redis://127.0.0.1:${port}: connect ECONNREFUSED`);
    expect(failure.message).not.toContain('s3cret');

    // The keys shown once were never minted: the start that works prints them.
    const working = await spawnParley({ ...env, REDIS_URL: '' });
    started.push(working);
    expect(working.output()).toContain('Admin key (shown once, keep it):');
    expect(working.output()).toContain('Demo seller key (shown once):');
  });
});
