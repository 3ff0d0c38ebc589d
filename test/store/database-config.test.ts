import { describe, expect, it } from 'vitest';
import { describeDatabase } from '../../src/cli/start-banner.js';
import { ConfigError, loadConfig, parseDatabaseUrl } from '../../src/config.js';
import { inlineParams } from '../support/test-db.js';

const KEY = 'ab'.repeat(32);

describe('DATABASE_URL', () => {
  it('selects PostgreSQL for postgres:// and postgresql:// URLs, kept as given', () => {
    expect(parseDatabaseUrl('postgres://u:p@db:5432/parley')).toEqual({ dialect: 'postgres', url: 'postgres://u:p@db:5432/parley' });
    expect(parseDatabaseUrl(' postgresql://db/parley?sslmode=require ')).toEqual({ dialect: 'postgres', url: 'postgresql://db/parley?sslmode=require' });
  });

  it('selects SQLite for paths and sqlite: URLs, as before', () => {
    expect(parseDatabaseUrl(undefined, '/srv')).toEqual({ dialect: 'sqlite', file: '/srv/data/parley.sqlite' });
    expect(parseDatabaseUrl('sqlite://db/x.sqlite', '/srv')).toEqual({ dialect: 'sqlite', file: '/srv/db/x.sqlite' });
    expect(parseDatabaseUrl(':memory:')).toEqual({ dialect: 'sqlite', file: ':memory:' });
  });

  it('requires PARLEY_ENCRYPTION_KEY with PostgreSQL (no key file beside a server database)', () => {
    expect(() => loadConfig({ DATABASE_URL: 'postgres://db/parley' })).toThrow(ConfigError);
    expect(() => loadConfig({ DATABASE_URL: 'postgres://db/parley' })).toThrow(/PARLEY_ENCRYPTION_KEY is required with PostgreSQL/);
    expect(loadConfig({ DATABASE_URL: 'postgres://db/parley', PARLEY_ENCRYPTION_KEY: KEY }).database).toEqual({ dialect: 'postgres', url: 'postgres://db/parley' });
    expect(loadConfig({ DATABASE_URL: '/tmp/x.sqlite' }).encryptionKey).toBeNull();
  });

  it('shows the PostgreSQL URL without its password in the start banner', () => {
    const shown = describeDatabase({ dialect: 'postgres', url: 'postgres://parley:s3cret@db:5432/parley?password=again' });
    expect(shown).not.toContain('s3cret');
    expect(shown).not.toContain('again');
    expect(shown).toContain('db:5432/parley');
    expect(describeDatabase({ dialect: 'sqlite', file: '/srv/parley.sqlite' })).toBe('/srv/parley.sqlite');
  });
});

describe('the PostgreSQL side of readDb (test support)', () => {
  it('inlines positional and named parameters as quoted literals, leaving quotes and casts alone', () => {
    expect(inlineParams('select * from t where a = ? and b = ? and c = \'?\'', [1, "it's"])).toBe("select * from t where a = 1 and b = 'it''s' and c = '?'");
    expect(inlineParams('update t set x = @x, y = :y where id = @id and z::text = \'@no\'', [{ x: null, y: 'a\\b', id: 7 }]))
      .toBe("update t set x = null, y = 'a\\b' where id = 7 and z::text = '@no'");
    expect(() => inlineParams('select ?', [])).toThrow(RangeError);
    expect(() => inlineParams('select @a', [{ b: 1 }])).toThrow(RangeError);
  });
});
