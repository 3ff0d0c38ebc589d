import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/**
 * The `parley` binary as `npm run build` makes it (tsc -p tsconfig.build.json), compiled into a
 * directory of this run's own under dist/ so that suites and people building at the same time
 * do not overwrite each other's; run with plain node as a user would run dist/src/cli/main.js.
 */
export class BuiltCli {
  private constructor(readonly outDir: string) {}

  get main(): string {
    return path.join(this.outDir, 'src/cli/main.js');
  }

  /** The same, relative to the repository (what spawnParley takes). */
  get relativeMain(): string {
    return path.relative(ROOT, this.main);
  }

  static async build(): Promise<BuiltCli> {
    const outDir = path.join(ROOT, 'dist', `cli-test-${process.pid}-${Date.now()}`);
    // tsc emits even when another file of the tree does not typecheck (the typecheck is its own step).
    await promisify(execFile)(path.join(ROOT, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.build.json', '--outDir', outDir], { cwd: ROOT }).catch(() => undefined);
    if (!fs.existsSync(path.join(outDir, 'src/cli/main.js'))) throw new Error('the build wrote no dist/src/cli/main.js');
    return new BuiltCli(outDir);
  }

  remove(): void {
    fs.rmSync(this.outDir, { recursive: true, force: true });
  }

  /** Runs `parley ...args` to its end. */
  async run(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
    const child = this.spawn(args, env);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk) => (stdout += chunk));
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    const code = await new Promise<number>((resolve) => child.once('close', (c) => resolve(c ?? -1)));
    return { code, stdout, stderr };
  }

  /** Starts `parley ...args` (a long-running command); read its output with `lines`. */
  spawn(args: string[], env: Record<string, string> = {}): ChildProcess {
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('PARLEY_') && k !== 'DATABASE_URL'));
    return spawn(process.execPath, [this.main, ...args], { cwd: ROOT, env: { ...clean, LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  }
}

/** Lines a child process writes to one stream, awaitable one by one. */
export class Lines {
  private readonly seen: string[] = [];
  private waiters: (() => void)[] = [];
  private partial = '';
  private ended = false;

  constructor(stream: NodeJS.ReadableStream) {
    stream.on('data', (chunk: Buffer | string) => {
      this.partial += chunk.toString();
      const parts = this.partial.split('\n');
      this.partial = parts.pop()!;
      this.seen.push(...parts);
      this.wake();
    });
    stream.on('end', () => {
      this.ended = true;
      this.wake();
    });
  }

  get all(): string[] {
    return [...this.seen];
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  /** The first line matching, waiting for it (up to `timeoutMs`). */
  async waitFor(match: RegExp, timeoutMs = 15_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const line = this.seen.find((l) => match.test(l));
      if (line !== undefined) return line;
      if (this.ended) throw new Error(`output ended without ${match}:\n${this.seen.join('\n')}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no line ${match} in ${timeoutMs} ms:\n${this.seen.join('\n')}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
}

export function exitOf(child: ChildProcess): Promise<number> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code ?? -1)));
}
