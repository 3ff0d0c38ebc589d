import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';

/**
 * Global setup of each project: one temporary folder for the run, under which tempDbFile puts
 * every test's database (test/support/test-db.ts), removed when the run ends, so runs leave no
 * SQLite files behind.
 */
export default function setup(project: TestProject): () => void {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-tests-'));
  project.provide('parleyTempRoot', root);
  return () => fs.rmSync(root, { recursive: true, force: true });
}
