import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApiClient } from './api-client.js';
import { OpenApiValidator } from './openapi-validator.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  /** Everything printed on stdout so far. */
  output(): string;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** Starts `parley serve` as its own OS process (the CLI entry point, through tsx) and waits for its banner. */
export async function spawnParley(env: Record<string, string>, entry = 'src/cli/main.ts'): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, entry), 'serve'], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk) => (stdout += chunk));
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`parley did not start in time:\n${stdout}\n${stderr}`)), 20_000);
    const check = () => {
      const match = /listening on (http:\/\/\S+)/.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`parley exited with ${code}:\n${stdout}\n${stderr}`));
    });
  });
  return {
    child,
    url,
    output: () => stdout,
    async kill(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

/** An OpenAPI-validating client for a spawned server, like the in-process harness gives. */
export async function clientFor(url: string): Promise<ApiClient> {
  const document = await (await fetch(`${url}/api/openapi.json`)).json();
  return new ApiClient(url, new OpenApiValidator(document));
}
