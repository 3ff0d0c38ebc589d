import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

describe('PARLEY_WEBHOOK_CONCURRENCY', () => {
  it('defaults to 16 attempts per endpoint and takes any whole number from 1', () => {
    expect(loadConfig({}).webhooks.concurrency).toBe(16);
    expect(loadConfig({ PARLEY_WEBHOOK_CONCURRENCY: ' 1 ' }).webhooks.concurrency).toBe(1);
    expect(loadConfig({ PARLEY_WEBHOOK_CONCURRENCY: '128' }).webhooks.concurrency).toBe(128);
  });

  it.each(['0', '-1', '2.5', 'many'])('refuses %j with a clear error', (value) => {
    expect(() => loadConfig({ PARLEY_WEBHOOK_CONCURRENCY: value })).toThrow(ConfigError);
    expect(() => loadConfig({ PARLEY_WEBHOOK_CONCURRENCY: value })).toThrow(`PARLEY_WEBHOOK_CONCURRENCY must be a whole number >= 1 (attempts at once per endpoint), got "${value}"`);
  });
});
