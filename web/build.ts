import { createHash } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/** The repository root: web/ sits right below it. */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const CONSOLE_OUT_DIR = path.join(ROOT, 'dist', 'web');

export interface ConsoleBuild {
  outDir: string;
  /** File name -> size in bytes, index.html included. */
  files: Record<string, number>;
}

/** The page: only references to hashed assets, so the CSP needs no inline script or style. */
function indexHtml(script: string, style: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="parley-env" content="%PARLEY_ENV%">
<title>Parley console</title>
<link rel="stylesheet" href="/console/assets/${style}">
<script type="module" src="/console/assets/${script}"></script>
</head>
<body>
<noscript>The Parley console needs JavaScript.</noscript>
<div id="app"></div>
</body>
</html>
`;
}

/** Written under a temporary name then renamed: a server reading the folder never sees half a file. */
async function writeAtomically(file: string, contents: Uint8Array | string): Promise<void> {
  const temporary = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  await writeFile(temporary, contents);
  await rename(temporary, file);
}

/**
 * Bundles web/src into `outDir`: one script and one stylesheet named by a hash of their bytes
 * (served as immutable) and index.html naming them. `clean` removes earlier builds' assets
 * first; test runs leave them, since several may build into the same folder at once.
 */
export async function buildConsole(options: { outDir?: string; clean?: boolean } = {}): Promise<ConsoleBuild> {
  const outDir = options.outDir ?? CONSOLE_OUT_DIR;
  const result = await build({
    entryPoints: [path.join(ROOT, 'web', 'src', 'main.tsx'), path.join(ROOT, 'web', 'src', 'console.css')],
    bundle: true,
    minify: true,
    format: 'esm',
    target: ['chrome110', 'firefox110', 'safari16'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    write: false,
    outdir: outDir,
    legalComments: 'none',
    logLevel: 'silent',
  });
  const assets = path.join(outDir, 'assets');
  if (options.clean) await rm(outDir, { recursive: true, force: true });
  await mkdir(assets, { recursive: true });
  const files: Record<string, number> = {};
  let script = '';
  let style = '';
  for (const output of result.outputFiles) {
    const extension = path.extname(output.path);
    const hash = createHash('sha256').update(output.contents).digest('hex').slice(0, 12);
    const name = `console-${hash}${extension}`;
    if (extension === '.js') script = name;
    else style = name;
    await writeAtomically(path.join(assets, name), output.contents);
    files[`assets/${name}`] = output.contents.byteLength;
  }
  const html = indexHtml(script, style);
  await writeAtomically(path.join(outDir, 'index.html'), html);
  files['index.html'] = Buffer.byteLength(html);
  return { outDir, files };
}

let once: Promise<ConsoleBuild> | null = null;

/** For tests: one build per process, into dist/web. */
export function buildConsoleOnce(): Promise<ConsoleBuild> {
  once ??= buildConsole();
  return once;
}

async function main(): Promise<void> {
  const { outDir, files } = await buildConsole({ clean: true });
  const total = Object.values(files).reduce((a, b) => a + b, 0);
  for (const [name, size] of Object.entries(files)) process.stdout.write(`  ${name}  ${(size / 1024).toFixed(1)} KiB\n`);
  process.stdout.write(`console built into ${path.relative(process.cwd(), outDir) || '.'} (${(total / 1024).toFixed(1)} KiB)\n`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exitCode = 1;
  });
}
