import { randomBytes } from 'node:crypto';
import type { TestProject } from 'vitest/node';
import { dropPgDatabases, postgresAnswers, testPgAddress, testPgDatabasesOfRun } from './pg-admin.js';

/**
 * Global setup of the `postgres` project: PostgreSQL must answer (vitest.config.ts leaves the
 * project out when it does not, unless CI=true, where this fails the run). Names this run's
 * test databases and drops any a crashed or interrupted file left behind.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (!(await postgresAnswers(10_000))) {
    throw new Error(`PostgreSQL does not answer on ${testPgAddress()}: the postgres suites cannot run (set PARLEY_TEST_PG_URL to use another server)`);
  }
  const runId = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  project.provide('parleyPgRunId', runId);
  return async () => {
    await dropPgDatabases(await testPgDatabasesOfRun(runId));
  };
}
