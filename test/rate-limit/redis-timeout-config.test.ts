import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

describe('PARLEY_REDIS_TIMEOUT_MS', () => {
  it('defaults to 300 ms and takes whole milliseconds', () => {
    expect(loadConfig({}).redisTimeoutMs).toBe(300);
    expect(loadConfig({ PARLEY_REDIS_TIMEOUT_MS: ' 750 ' }).redisTimeoutMs).toBe(750);
  });

  it.each(['0', '-5', '0.5', 'soon'])('refuses %j', (value) => {
    expect(() => loadConfig({ PARLEY_REDIS_TIMEOUT_MS: value })).toThrow(ConfigError);
    expect(() => loadConfig({ PARLEY_REDIS_TIMEOUT_MS: value })).toThrow(/PARLEY_REDIS_TIMEOUT_MS must be/);
  });
});
