import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from '../../src/contract/openapi.js';
import { OPENAPI_FILE, openApiFileText, packageRoot } from '../../src/cli/write-openapi.js';

const ROOT = packageRoot();

describe('npm run openapi', () => {
  it('writes the document to the file given, without a server', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-openapi-file-'));
    try {
      const file = path.join(dir, 'out.json');
      await promisify(execFile)(path.join(ROOT, 'node_modules/.bin/tsx'), ['src/cli/write-openapi.ts', file], { cwd: ROOT });
      const { version } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
      expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual(await buildOpenApiDocument({ version }));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('has written the committed openapi.json from the current contract', async () => {
    const committed = fs.readFileSync(path.join(ROOT, OPENAPI_FILE), 'utf8');
    expect(committed === (await openApiFileText()), 'openapi.json is out of date: run `npm run openapi` and commit it').toBe(true);
  });
});
