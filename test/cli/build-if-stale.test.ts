import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const SCRIPT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../scripts/build-if-stale.mjs');

/**
 * `npm start`'s prestart (scripts/build-if-stale.mjs) on a package of its own: its `build`
 * script stands in for tsc and the console build, and counts how often it runs.
 */
let root: string;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-build-'));
  const build = "const fs=require('fs');fs.appendFileSync('builds.txt','x');if(fs.existsSync('fail'))process.exit(3);fs.mkdirSync('dist/src/cli',{recursive:true});fs.writeFileSync('dist/src/cli/main.js','')";
  fs.writeFileSync(path.join(root, 'package.json'), JSON.stringify({ name: 'fake', private: true, scripts: { build: `node -e "${build}"` } }));
  write('src/cli/main.ts', 'export {};');
  write('web/src/main.tsx', 'export {};');
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

function write(file: string, text: string): void {
  fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
  fs.writeFileSync(path.join(root, file), text);
}

/** Runs the prestart; answers its exit code, what it printed and how many builds have run in all. */
function prestart(): { status: number | null; output: string; builds: number } {
  const run = spawnSync(process.execPath, [SCRIPT], { cwd: root, encoding: 'utf8', timeout: 30_000 });
  const builds = fs.existsSync(path.join(root, 'builds.txt')) ? fs.readFileSync(path.join(root, 'builds.txt'), 'utf8').length : 0;
  return { status: run.status, output: run.stdout + run.stderr, builds };
}

/** A file saved just after the last build started (as the stamp records it). */
function touchLater(file: string): void {
  const { startedMs } = JSON.parse(fs.readFileSync(path.join(root, 'dist/.build-stamp'), 'utf8')) as { startedMs: number };
  const later = new Date(startedMs + 10);
  fs.utimesSync(path.join(root, file), later, later);
}

describe('npm start: build only when dist/ is stale', () => {
  it('builds a fresh clone, then starts without building while nothing changed', () => {
    expect(prestart()).toMatchObject({ status: 0, builds: 1 });
    const again = prestart();
    expect(again).toMatchObject({ status: 0, builds: 1 });
    expect(again.output).toContain('dist/ is current');
  });

  it('builds again after a change to src/ or web/, a new file, a deleted one, or a missing dist/', () => {
    expect(prestart().builds).toBe(1);
    touchLater('src/cli/main.ts');
    expect(prestart()).toMatchObject({ status: 0, builds: 2 });
    expect(prestart().builds).toBe(2);
    touchLater('web/src/main.tsx');
    expect(prestart().builds).toBe(3);
    write('src/new-file.ts', 'export {};');
    expect(prestart().builds).toBe(4);
    fs.rmSync(path.join(root, 'src/new-file.ts'));
    expect(prestart().builds).toBe(5);
    fs.rmSync(path.join(root, 'dist/src/cli/main.js'));
    expect(prestart().builds).toBe(6);
    expect(prestart().builds).toBe(6);
  });

  it('fails with the build, and tries again on the next start', () => {
    write('fail', '');
    const failed = prestart();
    expect(failed.status).not.toBe(0);
    fs.rmSync(path.join(root, 'fail'));
    expect(prestart()).toMatchObject({ status: 0, builds: 2 });
  });
});
