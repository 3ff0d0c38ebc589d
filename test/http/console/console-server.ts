import { buildConsoleOnce } from '../../../web/build.js';
import { startTestParley, type TestParley } from '../../support/parley.js';

/** A server with the console built (once per test process) before it starts: it reads dist/web at start. */
export async function startConsoleParley(env: Record<string, string> = {}): Promise<TestParley> {
  await buildConsoleOnce();
  return startTestParley(env);
}

export async function get(parley: TestParley, path: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${parley.url}${path}`, { headers });
}
