import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/cli/write-openapi.js';
import { sdkGeneratedFiles } from '../../sdk/scripts/generate.js';

describe('npm run sdk:generate', () => {
  it('has written the checked-in SDK files from the current contract', async () => {
    for (const [file, text] of Object.entries(await sdkGeneratedFiles())) {
      const committed = fs.readFileSync(path.join(packageRoot(), file), 'utf8');
      expect(committed === text, `${file} is out of date: run \`npm run sdk:generate\` and commit it`).toBe(true);
    }
  });
});
