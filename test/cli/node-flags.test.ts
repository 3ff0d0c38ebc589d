import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { NODE_FLAGS } from '../../src/cli/node-flags.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** `npm start`, the `parley` bin and the benchmark run Parley with the same V8 flags. */
describe('the node flags Parley runs with', () => {
  it('are on the npm start command line', () => {
    const start = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts.start as string;
    expect(start).toBe(`node ${NODE_FLAGS.join(' ')} dist/src/cli/main.js serve`);
  });

  it('are in the shebang of the parley bin', () => {
    const firstLine = fs.readFileSync(path.join(ROOT, 'src/cli/main.ts'), 'utf8').split('\n')[0];
    expect(firstLine).toBe(`#!/usr/bin/env -S node ${NODE_FLAGS.join(' ')}`);
  });

  it('are accepted by this node, through env -S as the shebang passes them', () => {
    const out = execFileSync('/usr/bin/env', ['-S', `node ${NODE_FLAGS.join(' ')} -e process.stdout.write(process.execArgv.join())`], { encoding: 'utf8' });
    expect(out.startsWith(`${NODE_FLAGS.join(',')},-e,`), out).toBe(true);
  });
});
