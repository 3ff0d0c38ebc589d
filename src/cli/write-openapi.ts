import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildOpenApiDocument } from '../contract/openapi.js';

/**
 * `npm run openapi [file]`: writes the OpenAPI document that GET /api/openapi.json serves, without
 * starting a server or opening a database. Default file: openapi.json at the repository root, which
 * is committed so API changes show in review (test/contract/openapi-file.test.ts keeps it current).
 */

/** The directory of package.json above this file (src/cli from source, dist/src/cli compiled). */
export function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('no package.json above write-openapi');
    dir = parent;
  }
  return dir;
}

export const OPENAPI_FILE = 'openapi.json';

/** The document as the file holds it: two-space JSON with a final newline. */
export async function openApiFileText(): Promise<string> {
  const { version } = JSON.parse(fs.readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version: string };
  return `${JSON.stringify(await buildOpenApiDocument({ version }), null, 2)}\n`;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const file = path.resolve(process.argv[2] ?? path.join(packageRoot(), OPENAPI_FILE));
  fs.writeFileSync(file, await openApiFileText());
  process.stdout.write(`wrote ${path.relative(process.cwd(), file) || file}\n`);
}
