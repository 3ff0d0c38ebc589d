import { configDefaults, defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';
import { postgresAnswers, testPgAddress } from './test/support/pg-admin.js';

/**
 * Two projects, one suite:
 * - `sqlite`: every test, each server on its own temporary SQLite file.
 * - `postgres`: the black-box HTTP and webhook suites again, each server on a fresh PostgreSQL
 *   database (PARLEY_TEST_DB=postgres, see test/support/parley.ts). Tests about SQLite files
 *   themselves (group commit, raw file bytes, SIGKILL durability, the CLI) stay in `sqlite`.
 * Without a PostgreSQL on 127.0.0.1:5432 (or PARLEY_TEST_PG_URL) the `postgres` project is left
 * out with one line saying so; under CI=true it stays in and its global setup fails the run.
 */
export default defineConfig(async () => {
  const ci = process.env.CI === 'true';
  const withPostgres = ci || (await postgresAnswers());
  // Vitest may evaluate this file more than once per run: say it once.
  if (!withPostgres && process.env.PARLEY_PG_SKIP_NOTICE !== 'shown') {
    process.env.PARLEY_PG_SKIP_NOTICE = 'shown';
    process.stdout.write(`postgres suites skipped: PostgreSQL does not answer on ${testPgAddress()}\n`);
  }
  const sqlite: TestProjectInlineConfiguration = {
    extends: true,
    test: { name: 'sqlite', include: ['test/**/*.test.ts'], env: { PARLEY_TEST_DB: 'sqlite' }, globalSetup: ['./test/support/temp-root-setup.ts'] },
  };
  const postgres: TestProjectInlineConfiguration = {
    extends: true,
    test: {
      name: 'postgres',
      include: ['test/http/**/*.test.ts', 'test/webhooks/**/*.test.ts', 'test/fuzz/**/*.test.ts', 'test/flows/**/*.test.ts', 'test/live/**/*.test.ts'],
      exclude: [
        ...configDefaults.exclude,
        // Reads the SQLite file of a SIGKILLed `parley serve` process.
        'test/webhooks/sigkill.test.ts',
        // Pure unit tests: nothing of theirs touches a database.
        'test/http/input-normalizer.test.ts',
        'test/http/query-string.test.ts',
      ],
      env: { PARLEY_TEST_DB: 'postgres' },
      globalSetup: ['./test/support/temp-root-setup.ts', './test/support/postgres-global-setup.ts'],
    },
  };
  return {
    test: {
      testTimeout: 30_000,
      hookTimeout: 30_000,
      // Each file starts its own servers on its own database; two cores, so two files at a time.
      maxWorkers: 2,
      // Files share a worker's module cache instead of importing the server afresh (about 1.3 s
      // each, over 150 files). They share no state: every file starts its own servers and
      // databases, and nothing mocks modules. Halves the run on two cores.
      isolate: false,
      reporters: ['default', './test/support/summary-reporter.ts'],
      projects: withPostgres ? [sqlite, postgres] : [sqlite],
    },
  };
});
