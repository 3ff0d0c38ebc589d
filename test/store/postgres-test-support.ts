import { postgresAnswers, testPgAddress } from '../support/pg-admin.js';

/**
 * Whether a suite that creates its own PostgreSQL database (outside the `postgres` project, whose
 * global setup already insists on one) should be skipped: only when PostgreSQL does not answer
 * and CI is not 'true' (CI starts PostgreSQL, so there a missing one fails the suite instead).
 */
export async function skipWithoutPostgres(suite: string): Promise<boolean> {
  if (await postgresAnswers()) return false;
  if (process.env.CI === 'true') return false;
  console.warn(`[${suite}] SKIPPED: PostgreSQL does not answer at ${testPgAddress()} (start it, or set PARLEY_TEST_PG_URL; under CI=true this suite fails instead)`);
  return true;
}
