/**
 * `logging`: the send at LOG_LEVEL=info against the same send at warn, Parley's standard output
 * going to a file (as under systemd or `> parley.log`), issue 21's target: info within 10% of
 * warn. Rounds alternate (warn, info, warn, info, ...) on fresh databases; the ratio of the
 * medians is reported, with the bytes and lines written per request at info.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import autocannon from 'autocannon';
import { NODE_FLAGS } from '../src/cli/node-flags.js';
import { ADMIN_TOKEN, createSendOrder, SEND_BODY } from './datasets.js';
import { cpuSnapshot, ROOT } from './processes.js';

export interface LoggingScenarioOptions {
  connections: number;
  warmupSeconds: number;
  seconds: number;
  rounds: number;
  log: (line: string) => void;
}

export interface LoggingRun {
  level: 'warn' | 'info';
  round: number;
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  /** Server CPU per answered request during the measurement: steadier than req/s on a busy machine. */
  cpuMicrosPerRequest: number | null;
  /** What the server wrote to its stdout file during the whole run (start-up included). */
  logBytes: number;
  requestLines: number;
  /** Requests the server answered in the run (warm-up and measurement). */
  answered: number;
}

export interface LoggingScenarioResult {
  key: 'logging';
  label: string;
  runs: LoggingRun[];
  warnReqPerSec: number;
  infoReqPerSec: number;
  /** Median info / median warn: the target is >= 0.9. */
  infoVsWarn: number;
  /** Median server CPU per request at warn / at info (>= 0.9 when logging costs under 10% of a send). */
  cpuWarnVsInfo: number | null;
  linesPerRequestAtInfo: number;
  bytesPerRequestAtInfo: number;
}

/** `node dist/src/cli/main.js serve`, stdout to `logFile`; resolves with its URL once the banner is in the file. */
async function startWithStdoutToFile(dbFile: string, logFile: string, level: string): Promise<{ url: string; pid: number; stop: () => Promise<void> }> {
  const out = fs.openSync(logFile, 'w');
  const compiled = path.join(ROOT, 'dist/src/cli/main.js');
  const child = spawn(process.execPath, [...NODE_FLAGS, compiled, 'serve'], {
    cwd: ROOT,
    env: {
      ...process.env, PORT: '0', HOST: '127.0.0.1', DATABASE_URL: dbFile, PARLEY_ADMIN_TOKEN: ADMIN_TOKEN, PARLEY_SEED_DEMO: 'false', LOG_LEVEL: level,
      PARLEY_RATE_LIMIT_READS: '0', PARLEY_RATE_LIMIT_WRITES: '0', PARLEY_RATE_LIMIT_CHAT: '0',
    },
    stdio: ['ignore', out, 'pipe'],
  });
  fs.closeSync(out);
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  const started = Date.now();
  for (;;) {
    const match = /listening on (http:\/\/\S+)/.exec(fs.readFileSync(logFile, 'utf8').slice(0, 64 * 1024));
    if (match) return { url: match[1]!, pid: child.pid!, stop };
    if (child.exitCode !== null || Date.now() - started > 30_000) {
      await stop();
      throw new Error(`parley (logging, ${level}) did not start:\n${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function cannon(url: string, route: string, token: string, connections: number, seconds: number): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: `${url}${route}`, method: 'POST', connections, pipelining: 1, duration: seconds, timeout: 30,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: SEND_BODY,
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

/** Median CPU per request at warn over the same at info. */
function cpuRatio(warn: LoggingRun[], info: LoggingRun[]): number | null {
  const of = (runs: LoggingRun[]) => runs.map((r) => r.cpuMicrosPerRequest).filter((v): v is number => v !== null);
  const w = of(warn);
  const i = of(info);
  return w.length && i.length ? median(w) / median(i) : null;
}

async function oneRun(dir: string, level: 'warn' | 'info', round: number, options: LoggingScenarioOptions): Promise<LoggingRun> {
  const dbFile = path.join(dir, `logging-${level}-${round}.sqlite`);
  const logFile = path.join(dir, `logging-${level}-${round}.log`);
  const server = await startWithStdoutToFile(dbFile, logFile, level);
  let answered = 0;
  let result: autocannon.Result;
  let cpuMicros: number | null = null;
  try {
    const { orderId, token } = await createSendOrder(server.url, `bench logging ${level}`);
    const route = `/v2/account-orders/${orderId}/messages`;
    if (options.warmupSeconds > 0) answered += (await cannon(server.url, route, token, options.connections, options.warmupSeconds)).requests.total;
    const before = cpuSnapshot(server.pid);
    result = await cannon(server.url, route, token, options.connections, options.seconds);
    const after = cpuSnapshot(server.pid);
    cpuMicros = before && after && result.requests.total > 0 ? ((after.server - before.server) / result.requests.total) * 1e6 : null;
    answered += result.requests.total;
  } finally {
    // SIGTERM: the lines still queued are flushed before the process exits, so the file is complete.
    await server.stop();
  }
  const text = fs.readFileSync(logFile, 'utf8');
  const run: LoggingRun = {
    level, round,
    reqPerSec: result.requests.mean,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    cpuMicrosPerRequest: cpuMicros,
    logBytes: Buffer.byteLength(text),
    requestLines: text.split('\n').filter((line) => line.includes('"msg":"request completed"')).length,
    answered,
  };
  options.log(`  logging, LOG_LEVEL=${level} (round ${round}): ${run.reqPerSec.toFixed(0)} req/s, p50 ${run.p50Ms} ms, p99 ${run.p99Ms} ms, non-2xx ${run.non2xx}, server CPU ${run.cpuMicrosPerRequest?.toFixed(1) ?? 'n/a'} µs/request; ` +
    `stdout file ${(run.logBytes / 1e6).toFixed(1)} MB, ${run.requestLines.toLocaleString('en')} request lines for ${answered.toLocaleString('en')} requests`);
  return run;
}

export async function loggingScenario(dir: string, options: LoggingScenarioOptions): Promise<LoggingScenarioResult> {
  const runs: LoggingRun[] = [];
  for (let round = 1; round <= options.rounds; round++) {
    runs.push(await oneRun(dir, 'warn', round, options));
    runs.push(await oneRun(dir, 'info', round, options));
  }
  const at = (level: string) => runs.filter((r) => r.level === level);
  const warnReqPerSec = median(at('warn').map((r) => r.reqPerSec));
  const infoReqPerSec = median(at('info').map((r) => r.reqPerSec));
  const info = at('info');
  const requests = info.reduce((n, r) => n + r.answered, 0);
  const result: LoggingScenarioResult = {
    key: 'logging',
    label: 'Parley POST /v2/account-orders/{id}/messages, stdout to a file: LOG_LEVEL=info vs warn',
    runs,
    warnReqPerSec,
    infoReqPerSec,
    infoVsWarn: infoReqPerSec / warnReqPerSec,
    cpuWarnVsInfo: cpuRatio(at('warn'), info),
    linesPerRequestAtInfo: info.reduce((n, r) => n + r.requestLines, 0) / requests,
    bytesPerRequestAtInfo: info.reduce((n, r) => n + r.logBytes, 0) / requests,
  };
  options.log(`  logging: info ${infoReqPerSec.toFixed(0)} req/s / warn ${warnReqPerSec.toFixed(0)} req/s = ${result.infoVsWarn.toFixed(3)} (target >= 0.9); server CPU per request, warn / info: ${result.cpuWarnVsInfo?.toFixed(3) ?? 'n/a'}; ` +
    `${result.linesPerRequestAtInfo.toFixed(2)} lines, ${result.bytesPerRequestAtInfo.toFixed(0)} bytes per request at info`);
  return result;
}
