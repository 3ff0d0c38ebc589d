import { afterEach, describe, expect, it, vi } from 'vitest';
import { printStartBanner } from '../../../src/cli/start-banner.js';
import { loadConfig } from '../../../src/config.js';
import type { RunningParley } from '../../../src/server.js';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('the start banner', () => {
  it('prints the console\'s URL', () => {
    let printed = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      printed += String(chunk);
      return true;
    });
    const config = loadConfig({ DATABASE_URL: 'parley.sqlite', PARLEY_ADMIN_TOKEN: 'x'.repeat(40) });
    printStartBanner({ url: 'http://0.0.0.0:8080', firstStart: null } as RunningParley, config);
    expect(printed).toContain('  Console:  http://127.0.0.1:8080/console ');
  });
});
