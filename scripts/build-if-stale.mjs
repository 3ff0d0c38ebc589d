#!/usr/bin/env node
/**
 * `npm start`'s prestart: runs `npm run build` only when dist/ is older than the sources.
 *
 * The sources are every file under src/, web/ and sdk/src/ plus the build's own configuration;
 * dist/.build-stamp records, after a successful build, the moment the build started and the list
 * of source files it saw. The build is skipped when the stamp exists, no source changed after
 * that moment, the list is the same (a deleted or renamed file counts) and the entry point is
 * there. A fresh clone has no stamp: it builds. Plain JavaScript, so it runs before anything is
 * compiled and in a few milliseconds.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const root = process.cwd();
const SOURCE_DIRS = ['src', 'web', 'sdk/src'];
const SOURCE_FILES = ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'web/tsconfig.json'];
const STAMP = path.join(root, 'dist', '.build-stamp');
const ENTRY = path.join(root, 'dist', 'src', 'cli', 'main.js');

/** Every file under `dir` (relative paths), skipping dependency folders. */
function walk(dir, out) {
  let entries;
  try {
    entries = fs.readdirSync(path.join(root, dir), { withFileTypes: true });
  } catch {
    return; // an optional folder (web/, sdk/) that is not there
  }
  for (const entry of entries) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const rel = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(rel, out);
    else if (entry.isFile()) out.push(rel);
  }
}

function sources() {
  const files = [];
  for (const dir of SOURCE_DIRS) walk(dir, files);
  for (const file of SOURCE_FILES) if (fs.existsSync(path.join(root, file))) files.push(file);
  files.sort();
  let newestMs = 0;
  for (const file of files) newestMs = Math.max(newestMs, fs.statSync(path.join(root, file)).mtimeMs);
  return { newestMs, listHash: createHash('sha256').update(files.join('\n')).digest('hex') };
}

function readStamp() {
  try {
    return JSON.parse(fs.readFileSync(STAMP, 'utf8'));
  } catch {
    return null;
  }
}

const current = sources();
const stamp = readStamp();
const why = !stamp ? 'no build yet'
  : !fs.existsSync(ENTRY) ? 'dist/ is incomplete'
    : stamp.listHash !== current.listHash ? 'source files were added or removed'
      : current.newestMs > stamp.startedMs ? 'sources changed since the last build'
        : null;

if (why === null) {
  process.stdout.write('parley: dist/ is current, not rebuilding (npm run build forces it)\n');
  process.exit(0);
}
process.stdout.write(`parley: building (${why})\n`);
// Taken before the build: a source saved while it runs makes the next start build again.
const startedMs = Date.now();
const build = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
if (build.status !== 0) process.exit(build.status ?? 1);
fs.mkdirSync(path.dirname(STAMP), { recursive: true });
fs.writeFileSync(STAMP, `${JSON.stringify({ startedMs, listHash: current.listHash })}\n`);
