import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from '../../src/contract/openapi.js';

/**
 * The document as tools read it: Redocly (recommended rules, redocly.yaml) and Spectral
 * (spectral:oas, .spectral.yaml) report nothing. Rules switched off are listed, with the reason,
 * in those two files. Neither tool may reach the network: no telemetry, no update check, and the
 * document refers to nothing outside itself.
 */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const ENV = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1', FORCE_COLOR: '0' };

function run(bin: string, args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(path.join(ROOT, 'node_modules/.bin', bin), args, { cwd, env: ENV, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

interface RedoclyReport { totals: { errors: number; warnings: number; ignored: number }; problems: { ruleId: string; message: string; location: { pointer: string }[] }[] }
interface SpectralResult { code: string; severity: number; message: string; path: string[] }

async function redocly(file: string): Promise<RedoclyReport> {
  const { stdout, stderr } = await run('redocly', ['lint', file, '--config', path.join(ROOT, 'redocly.yaml'), '--format=json'], path.dirname(file));
  const start = stdout.indexOf('{');
  if (start < 0) throw new Error(`redocly printed no report:\n${stdout}\n${stderr}`);
  return JSON.parse(stdout.slice(start)) as RedoclyReport;
}

async function spectral(file: string): Promise<SpectralResult[]> {
  const output = `${file}.spectral.json`;
  const { stdout, stderr } = await run('spectral', ['lint', file, '--ruleset', path.join(ROOT, '.spectral.yaml'), '--format', 'json', '--output', output], path.dirname(file));
  if (!fs.existsSync(output)) throw new Error(`spectral wrote no report:\n${stdout}\n${stderr}`);
  return JSON.parse(fs.readFileSync(output, 'utf8')) as SpectralResult[];
}

const SEVERITY = ['error', 'warning', 'info', 'hint'];
const describeRedocly = (report: RedoclyReport) => report.problems.map((p) => `${p.ruleId}: ${p.message} at ${p.location[0]?.pointer}`);
const describeSpectral = (results: SpectralResult[]) => results.map((r) => `${SEVERITY[r.severity]} ${r.code}: ${r.message} at ${r.path.join('.')}`);

let dir: string;
let file: string;
/** A copy with two faults each tool must report, so a silent or misread tool cannot pass. */
let faultyFile: string;
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-openapi-lint-'));
  const document: any = await buildOpenApiDocument({ version: '0.0.0-lint' });
  file = path.join(dir, 'openapi.json');
  fs.writeFileSync(file, JSON.stringify(document, null, 2));
  const faulty = structuredClone(document);
  faulty.paths['/health'].get.operationId = faulty.paths['/v2/account-orders'].get.operationId;
  faulty.paths['/v2/account-orders'].get.responses['200'].content['application/json'].schema = { $ref: '#/components/schemas/NoSuchSchema' };
  faultyFile = path.join(dir, 'faulty.json');
  fs.writeFileSync(faultyFile, JSON.stringify(faulty, null, 2));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('the OpenAPI document, linted', () => {
  it('passes redocly lint (recommended) without an error or a warning', async () => {
    const report = await redocly(file);
    expect(describeRedocly(report)).toEqual([]);
    expect(report.totals).toEqual({ errors: 0, warnings: 0, ignored: 0 });
  }, 90_000);

  it('passes spectral lint (spectral:oas) without any result', async () => {
    expect(describeSpectral(await spectral(file))).toEqual([]);
  }, 90_000);

  it('is read by both tools for real: a duplicate operationId and a dangling $ref are errors to each', async () => {
    const [report, results] = await Promise.all([redocly(faultyFile), spectral(faultyFile)]);
    const redoclyErrors = report.problems.map((p) => p.ruleId);
    expect(redoclyErrors).toEqual(expect.arrayContaining(['operation-operationId-unique', 'no-unresolved-refs']));
    expect(report.totals.errors).toBeGreaterThanOrEqual(2);
    const spectralErrors = results.filter((r) => r.severity === 0).map((r) => r.code);
    expect(spectralErrors).toEqual(expect.arrayContaining(['operation-operationId-unique', 'invalid-ref']));
  }, 90_000);
});
