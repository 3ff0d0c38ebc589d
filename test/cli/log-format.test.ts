import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDbFile } from '../support/parley.js';
import { spawnParley, type ServerProcess } from '../support/server-process.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

let server: ServerProcess | null = null;
afterEach(async () => {
  await server?.kill();
  server = null;
});

describe('LOG_FORMAT', () => {
  it('pretty: one readable line per request for a person at a terminal, no JSON', async () => {
    server = await spawnParley({ DATABASE_URL: tempDbFile(), PARLEY_ADMIN_TOKEN: 'pretty-admin', LOG_LEVEL: 'info', LOG_FORMAT: 'pretty', PARLEY_SEED_DEMO: 'false' });
    const refused = await fetch(`${server.url}/v2/account-orders`, { headers: { authorization: 'Bearer not-a-real-key-42' } });
    expect(refused.status).toBe(401);
    const requestId = refused.headers.get('x-gameboost-request-id')!;
    await server.kill();
    const output = server.output();
    expect(output.split('\n').filter((l) => l.startsWith('{'))).toEqual([]);
    expect(output).toMatch(/INFO.*request completed/);
    // The fields follow on their own lines: the request id, why the key was refused, never the key.
    expect(output).toContain(`reqId: "${requestId}"`);
    expect(server.output()).toMatch(/authFailure: "unknown"/);
    expect(server.output()).not.toContain('not-a-real-key-42');
  });

  it('refuses anything but json or pretty before starting (exit 2)', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/cli/main.ts'), 'serve'], {
      cwd: ROOT, env: { ...process.env, LOG_FORMAT: 'xml', DATABASE_URL: tempDbFile() }, encoding: 'utf8', timeout: 30_000,
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('LOG_FORMAT must be json or pretty');
  });
});
