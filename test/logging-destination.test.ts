import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

// The JSON logger's destination takes each line as bytes (src/logging.ts): what reaches stdout
// must be exactly the lines, UTF-8, in order, queued ones included when the process ends.
describe('the JSON log destination', () => {
  it('writes every line, non-ASCII text included, as UTF-8, in order, up to the end of the process', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-log-'));
    const script = path.join(dir, 'log.mts');
    fs.writeFileSync(script, `
      import { createLogger, jsonLineWriter } from ${JSON.stringify(pathToFileURL(path.join(ROOT, 'src/logging.ts')).href)};
      const logger = createLogger({ level: 'info', format: 'json' });
      logger.info({ text: 'é — 🚀 "quoted"\\n' }, 'héllo');
      jsonLineWriter(logger)(30, '"text":"ü 🚀"', 'ünïcode');
      for (let i = 0; i < 3000; i++) logger.info({ i }, 'line ' + 'ß'.repeat(i % 50));
    `);
    try {
      const run = spawnSync(process.execPath, ['--import', 'tsx', script], { cwd: ROOT, timeout: 30_000, maxBuffer: 64 * 1024 * 1024 });
      expect(run.status, run.stderr.toString()).toBe(0);
      const text = new TextDecoder('utf-8', { fatal: true }).decode(run.stdout);
      const lines = text.split('\n');
      expect(lines.pop()).toBe('');
      const parsed = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(parsed).toHaveLength(3002);
      expect(parsed[0]).toMatchObject({ text: 'é — 🚀 "quoted"\n', msg: 'héllo' });
      expect(parsed[1]).toMatchObject({ text: 'ü 🚀', msg: 'ünïcode' });
      parsed.slice(2).forEach((line, i) => expect(line).toMatchObject({ i, msg: `line ${'ß'.repeat(i % 50)}` }));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
