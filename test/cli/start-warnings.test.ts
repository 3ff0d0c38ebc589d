import { afterEach, describe, expect, it, vi } from 'vitest';
import { isLoopbackHost, printStartBanner, startWarnings } from '../../src/cli/start-banner.js';
import { ConfigError, loadConfig } from '../../src/config.js';
import type { RunningParley } from '../../src/server.js';

const LONG = 'x'.repeat(32);
const base = { DATABASE_URL: ':memory:' };

describe('PARLEY_ADMIN_TOKEN shorter than 32 characters', () => {
  it('is refused in production', () => {
    expect(() => loadConfig({ ...base, PARLEY_ENV: 'production', PARLEY_ADMIN_TOKEN: 'x'.repeat(31) })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, PARLEY_ENV: 'production', PARLEY_ADMIN_TOKEN: 'x'.repeat(31) })).toThrow(/at least 32 characters/);
    expect(loadConfig({ ...base, PARLEY_ENV: 'production', PARLEY_ADMIN_TOKEN: LONG }).adminToken).toBe(LONG);
    // Unset is fine: a generated admin key is printed instead.
    expect(loadConfig({ ...base, PARLEY_ENV: 'production' }).adminToken).toBeNull();
  });

  it('is taken in the sandbox, with a warning', () => {
    const config = loadConfig({ ...base, PARLEY_ADMIN_TOKEN: 'short' });
    expect(config.adminToken).toBe('short');
    expect(startWarnings(config)).toEqual([expect.stringMatching(/PARLEY_ADMIN_TOKEN is shorter than 32 characters/)]);
    expect(startWarnings(loadConfig({ ...base, PARLEY_ADMIN_TOKEN: LONG }))).toEqual([]);
  });
});

describe('PARLEY_ENV=sandbox on an address other machines reach', () => {
  it('tells loopback hosts from the others', () => {
    for (const host of ['127.0.0.1', '127.8.9.10', 'localhost', '::1', '[::1]', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1']) expect(isLoopbackHost(host), host).toBe(true);
    for (const host of ['0.0.0.0', '::', '10.0.0.5', '192.168.1.2', 'example.com', '::2']) expect(isLoopbackHost(host), host).toBe(false);
  });

  it('is warned about (sandbox only), and the banner prints it loudly', () => {
    expect(startWarnings(loadConfig({ ...base, HOST: '0.0.0.0' }))).toEqual([expect.stringMatching(/PARLEY_ENV is sandbox but HOST is 0\.0\.0\.0/)]);
    expect(startWarnings(loadConfig({ ...base, HOST: '0.0.0.0', PARLEY_ENV: 'production' }))).toEqual([]);
    expect(startWarnings(loadConfig({ ...base }))).toEqual([]);

    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    printStartBanner({ url: 'http://0.0.0.0:8080', firstStart: null } as RunningParley, loadConfig({ ...base, HOST: '0.0.0.0' }));
    const printed = write.mock.calls.map((c) => String(c[0])).join('');
    expect(printed).toMatch(/!{72}\nWARNING: PARLEY_ENV is sandbox but HOST is 0\.0\.0\.0[^\n]*\n!{72}/);
  });
});

afterEach(() => vi.restoreAllMocks());
