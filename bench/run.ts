/**
 * `npm run bench`: autocannon (64 connections) against a bare Fastify ceiling and against Parley
 * started as its own process: the send route on a durable SQLite write and on PostgreSQL (one
 * and two instances), the order reads (one order, the list, a thread) with 1,000 and 1,000,000
 * orders each against a ceiling serving the same bytes, the thread read on PostgreSQL, the item purchase (durable) and the
 * account offer list with 1,000 and 100,000 offers. See bench/README.md.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import autocannon from 'autocannon';
import { webhookRow, webhookScenario, WEBHOOK_TABLE_HEADER } from './webhook-scenario.js';
import { loggingScenario } from './logging-scenario.js';
import { FAN_OUT_TABLE_HEADER, fanOutRow, fanOutScenario } from './fan-out-scenario.js';
import { createBenchPgDatabase } from './pg-database.js';
import { ACCOUNT_OFFERS, ADMIN_TOKEN, adminPost, cachedDataset, createSendOrder, freshDataset, mintKey, SEND_BODY, startParley, type Dataset } from './datasets.js';
import { cpuBetween, cpuSecondsOf, cpuSnapshot, type CpuSnapshot, intFromEnv, killAllChildren, readMemory, ROOT, RssSampler, runScript, spawnServer, type ServerProcess } from './processes.js';

const SECONDS = intFromEnv('BENCH_SECONDS', 10, 1);
const WARMUP_SECONDS = intFromEnv('BENCH_WARMUP_SECONDS', 2, 0);
/**
 * The ceiling and the send run this many times, one after the other (ceiling, send, ceiling,
 * send, ...): each pair gives a ratio, and the targets read the median pair. On a machine whose
 * speed drifts from one minute to the next, one pair can be off by a third.
 */
const ROUNDS = intFromEnv('BENCH_ROUNDS', 3, 1);
const CONNECTIONS = 64;
/** Generous, so that a slow query shows up as latency rather than as a client timeout. */
const TIMEOUT_SECONDS = 30;
const CACHE_DIR = process.env.BENCH_CACHE_DIR?.trim() || os.tmpdir();
const REBUILD = ['1', 'true', 'yes'].includes((process.env.BENCH_REBUILD ?? '').trim().toLowerCase());
/** `BENCH_SCENARIOS=ceiling,send` runs a subset (for profiling); the ratios and targets need all of them. */
const ALL_SCENARIOS = [
  'ceiling', 'send', 'send-pg', 'send-pg-2x', 'send-webhook', 'store-path', 'get-1k', 'list-1k', 'thread-1k', 'thread-pg', 'get-1M', 'list-1M', 'purchase', 'offer-list-1k', 'offer-list-100k', 'logging', 'fan-out',
] as const;
const SELECTED = new Set((process.env.BENCH_SCENARIOS?.trim() || ALL_SCENARIOS.join(',')).split(',').map((s) => s.trim()));
for (const name of SELECTED) {
  if (!(ALL_SCENARIOS as readonly string[]).includes(name)) throw new Error(`BENCH_SCENARIOS: unknown scenario "${name}" (known: ${ALL_SCENARIOS.join(', ')})`);
}
const SMALL = 1_000;
const LARGE = 1_000_000;
const LIST_PATH = `/v2/account-orders?${encodeURIComponent('filter[status]')}=pending`;
const OFFERS_SMALL = 1_000;
const OFFERS_LARGE = 100_000;
const OFFER_LIST_PATH = `/v2/account-offers?${encodeURIComponent('filter[status]')}=listed`;
/** The purchase scenario's offer: more units than any run can buy, so every purchase succeeds. */
const PURCHASE_STOCK = 1_000_000_000;

const log = (line: string) => process.stdout.write(`${line}\n`);

interface Load {
  method: 'GET' | 'POST';
  /** Requests cycle through these paths. */
  paths: string[];
  headers: Record<string, string>;
  body?: string;
}

/** One round of the ceiling and the sends measured against it. */
type Round = Partial<Record<'ceiling' | 'send' | 'send-pg' | 'send-pg-2x', ScenarioResult>>;

interface ScenarioResult {
  key: string;
  label: string;
  /** Which round of the ceiling/send pairs (BENCH_ROUNDS > 1). */
  round?: number;
  method: string;
  path: string;
  pathCount: number;
  reqPerSec: number;
  /** Requests autocannon sent and responses it got during the measurement; the difference was still in flight (or failed) at the end. */
  sent: number;
  answered: number;
  /** One request at a time, one connection, just before the measurement. */
  serialMs: { requests: number; p50: number; p90: number; max: number };
  /** CPU use during the measurement, % of one core: the server, the benchmark process, everything else (noise). */
  cpuPercent: { serverPct: number; benchPct: number; otherPct: number } | null;
  latencyMs: { mean: number; p50: number; p90: number; p99: number; max: number };
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  /** VmRSS after start-up, before the first request. */
  idleRssMB: number;
  peakRssMB: number;
  vmHwmMB: number | null;
  rssSamples: number;
  extra?: Record<string, unknown>;
  autocannon: Record<string, unknown>;
}

function runCannon(url: string, load: Load, seconds: number, collect: boolean, connections = CONNECTIONS): Promise<{ result: autocannon.Result; latencies: number[] }> {
  return new Promise((resolve, reject) => {
    const latencies: number[] = [];
    let next = 0;
    const paths = load.paths;
    const instance = autocannon(
      {
        url,
        connections,
        pipelining: 1,
        duration: seconds,
        timeout: TIMEOUT_SECONDS,
        method: load.method,
        headers: load.headers,
        ...(load.body === undefined ? {} : { body: load.body }),
        requests: paths.length === 1
          ? [{ path: paths[0]! }]
          : [{ setupRequest: (request) => ({ ...request, path: paths[next++ % paths.length]! }) }],
      },
      (error, result) => (error ? reject(error) : resolve({ result, latencies })),
    );
    // autocannon's own histogram has 1 ms resolution; keep every 2xx response time for exact percentiles.
    if (collect) {
      instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
        if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
      });
    }
  });
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/**
 * One request by hand, answering its time in ms: a scenario that answers errors is a broken
 * benchmark, not a slow one. Gives up after 120 s.
 */
async function checkOnce(url: string, load: Load, requestPath = load.paths[0]!): Promise<number> {
  const started = performance.now();
  const response = await fetch(`${url}${requestPath}`, {
    method: load.method,
    headers: load.headers,
    ...(load.body === undefined ? {} : { body: load.body }),
    signal: AbortSignal.timeout(120_000),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${load.method} ${requestPath} answered ${response.status}: ${text.slice(0, 500)}`);
  return performance.now() - started;
}

/**
 * The service time without queueing: requests one at a time on one connection, for 3 s or 200
 * requests (at least 3). With 64 connections a slow route's latency is mostly waiting in line;
 * this is the figure that says how long one request takes.
 */
async function serialProbe(url: string, load: Load): Promise<{ requests: number; p50: number; p90: number; max: number }> {
  const times: number[] = [];
  const started = performance.now();
  while (times.length < 3 || (times.length < 200 && performance.now() - started < 3_000)) {
    times.push(await checkOnce(url, load, load.paths[times.length % load.paths.length]));
  }
  const sorted = Float64Array.from(times).sort();
  return { requests: sorted.length, p50: percentile(sorted, 50), p90: percentile(sorted, 90), max: sorted[sorted.length - 1]! };
}

/** Every request measure() sent, whatever its phase: 2xx answers, and requests autocannon sent but saw no answer to. */
interface Tally {
  answered2xx: number;
  unanswered: number;
}

function countCannon(tally: Tally, result: autocannon.Result): void {
  for (const [code, stats] of Object.entries(result.statusCodeStats)) {
    if (Number(code) >= 200 && Number(code) < 300) tally.answered2xx += stats.count;
  }
  tally.unanswered += Math.max(0, result.requests.sent - result.requests.total);
}

/**
 * The connections split evenly over `servers` (several instances of one deployment), each
 * autocannon run at once: the requests and answers summed, the latencies pooled.
 */
async function runCannons(servers: ServerProcess[], load: Load, seconds: number, collect: boolean): Promise<{ result: autocannon.Result; latencies: number[] }> {
  const runs = await Promise.all(servers.map((s) => runCannon(s.url, load, seconds, collect, CONNECTIONS / servers.length)));
  if (runs.length === 1) return runs[0]!;
  const results = runs.map((r) => r.result);
  const total = (pick: (r: autocannon.Result) => number) => results.reduce((n, r) => n + pick(r), 0);
  const statusCodeStats: autocannon.Result['statusCodeStats'] = {};
  for (const r of results) {
    for (const [code, stats] of Object.entries(r.statusCodeStats)) statusCodeStats[code] = { count: (statusCodeStats[code]?.count ?? 0) + stats.count };
  }
  const result: autocannon.Result = {
    ...results[0]!,
    requests: { ...results[0]!.requests, mean: total((r) => r.requests.mean), sent: total((r) => r.requests.sent), total: total((r) => r.requests.total) },
    statusCodeStats,
    non2xx: total((r) => r.non2xx),
    errors: total((r) => r.errors),
    timeouts: total((r) => r.timeouts),
  };
  return { result, latencies: runs.flatMap((r) => r.latencies) };
}

/** CPU of several servers over the same interval: their shares summed, taken out of "other". */
function cpuOfAll(before: (CpuSnapshot | null)[], after: (CpuSnapshot | null)[]): ReturnType<typeof cpuBetween> {
  const each = before.map((b, i) => cpuBetween(b, after[i]!));
  if (each.some((c) => c === null)) return null;
  const serverPct = each.reduce((n, c) => n + c!.serverPct, 0);
  return { serverPct, benchPct: each[0]!.benchPct, otherPct: Math.max(0, each[0]!.otherPct - (serverPct - each[0]!.serverPct)) };
}

async function measure(key: string, label: string, servers: ServerProcess | ServerProcess[], load: Load, tally: Tally = { answered2xx: 0, unanswered: 0 }): Promise<ScenarioResult> {
  const all = Array.isArray(servers) ? servers : [servers];
  const server = all[0]!;
  const idleRssKb = Math.max(...all.map((s) => readMemory(s.pid)?.rssKb ?? NaN));
  for (const s of all) await checkOnce(s.url, load);
  tally.answered2xx += all.length;
  const samplers = all.map((s) => new RssSampler(s.pid));
  for (const sampler of samplers) sampler.start();
  let run: { result: autocannon.Result; latencies: number[] };
  let memory: ReturnType<RssSampler['stop']>;
  let serial: Awaited<ReturnType<typeof serialProbe>>;
  let cpu: ReturnType<typeof cpuBetween>;
  try {
    if (WARMUP_SECONDS > 0) {
      countCannon(tally, (await runCannons(all, load, WARMUP_SECONDS, false)).result);
      // autocannon leaves up to 64 requests in the server's queue when the warm-up ends; a request
      // sent after them comes back once they are served, so the measurement starts on an idle server.
      for (const s of all) await checkOnce(s.url, load);
      tally.answered2xx += all.length;
    }
    serial = await serialProbe(server.url, load);
    tally.answered2xx += serial.requests;
    const before = all.map((s) => cpuSnapshot(s.pid));
    run = await runCannons(all, load, SECONDS, true);
    cpu = cpuOfAll(before, all.map((s) => cpuSnapshot(s.pid)));
    countCannon(tally, run.result);
  } finally {
    // Several instances: the highest of them (each process is held to the RSS target).
    memory = samplers.map((sampler) => sampler.stop()).reduce((a, b) => (b.peakRssKb > a.peakRssKb ? b : a));
  }
  const { result, latencies } = run;
  const sorted = Float64Array.from(latencies).sort();
  const mean = sorted.length ? sorted.reduce((a, b) => a + b, 0) / sorted.length : NaN;
  const statusCodes = Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, s]) => [code, s.count]));
  const scenario: ScenarioResult = {
    key,
    label,
    method: load.method,
    path: load.paths.length === 1 ? load.paths[0]! : `${load.paths[0]} (and ${load.paths.length - 1} other ids, in turn)`,
    pathCount: load.paths.length,
    reqPerSec: result.requests.mean,
    sent: result.requests.sent,
    answered: result.requests.total,
    serialMs: serial,
    cpuPercent: cpu,
    latencyMs: { mean, p50: percentile(sorted, 50), p90: percentile(sorted, 90), p99: percentile(sorted, 99), max: sorted.length ? sorted[sorted.length - 1]! : NaN },
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes,
    idleRssMB: idleRssKb / 1024,
    peakRssMB: memory.peakRssKb / 1024,
    vmHwmMB: memory.hwmKb === null ? null : memory.hwmKb / 1024,
    rssSamples: memory.samples,
    autocannon: {
      duration: result.duration,
      start: result.start,
      finish: result.finish,
      connections: result.connections,
      requests: result.requests,
      latency: result.latency,
      throughput: result.throughput,
      errors: result.errors,
      timeouts: result.timeouts,
      non2xx: result.non2xx,
      statusCodeStats: result.statusCodeStats,
    },
  };
  log(
    `  ${label}: ${fmt(scenario.reqPerSec, 0)} req/s, server CPU ${fmt(cpuMicrosPerRequest(scenario), 1)} µs/request, p50 ${fmt(scenario.latencyMs.p50, 2)} ms, p99 ${fmt(scenario.latencyMs.p99, 2)} ms, ` +
      `non-2xx ${scenario.non2xx}, errors ${scenario.errors}, ${scenario.answered}/${scenario.sent} answered; ` +
      `alone: p50 ${fmt(scenario.serialMs.p50, 2)} ms; CPU server ${fmt(scenario.cpuPercent?.serverPct, 0)}%, ` +
      `bench ${fmt(scenario.cpuPercent?.benchPct, 0)}%, other ${fmt(scenario.cpuPercent?.otherPct, 0)}%; RSS idle ${fmt(scenario.idleRssMB, 1)} MB, peak ${fmt(scenario.peakRssMB, 1)} MB (VmHWM ${fmt(scenario.vmHwmMB, 1)} MB)`,
  );
  return scenario;
}

/**
 * Server CPU time per answered request: unlike req/s, it barely moves when something else on the
 * machine takes a core, so it is the figure to compare between runs on a busy machine.
 */
function cpuMicrosPerRequest(s: ScenarioResult): number | null {
  if (!s.cpuPercent || s.reqPerSec <= 0) return null;
  return ((s.cpuPercent.serverPct / 100) / s.reqPerSec) * 1e6;
}

function fmt(value: number | null | undefined, digits: number): string {
  return value === null || value === undefined || !Number.isFinite(value) ? 'n/a' : value.toFixed(digits);
}

/** The middle value (the lower of the two middle ones for an even count): always one of the values. */
function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

function sum(results: ScenarioResult[], field: 'non2xx' | 'errors'): number {
  return results.reduce((total, r) => total + r[field], 0);
}

/** Labels a ceiling or send result with its round when there are several. */
function inRound(round: number, result: ScenarioResult): ScenarioResult {
  return ROUNDS === 1 ? result : { ...result, label: `${result.label} (round ${round})`, round };
}

function ratio(a: number, b: number): number | null {
  return Number.isFinite(a) && Number.isFinite(b) && b !== 0 ? a / b : null;
}

/** `count` order ids spread over the dataset, in a fixed shuffled order (every id when there are few). */
function sampleIds(dataset: Dataset, count: number): number[] {
  const span = dataset.lastId - dataset.firstId + 1;
  let state = 0xb0b;
  const random = () => {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    return state / 4294967296;
  };
  const ids = span <= count
    ? Array.from({ length: span }, (_, i) => dataset.firstId + i)
    : Array.from({ length: count }, () => dataset.firstId + Math.floor(random() * span));
  for (let i = ids.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [ids[i], ids[j]] = [ids[j]!, ids[i]!];
  }
  return ids;
}

async function withServer<T>(start: () => Promise<ServerProcess>, use: (server: ServerProcess) => Promise<T>): Promise<T> {
  const server = await start();
  try {
    return await use(server);
  } finally {
    await server.stop();
  }
}

/** The send route on a durable write (the webhook variant is bench/webhook-scenario.ts). */
async function sendScenario(dir: string, options: { round?: number } = {}): Promise<ScenarioResult> {
  const key = 'send';
  // A fresh database for each run, as a fresh server.
  const file = path.join(dir, `${key}${options.round === undefined ? '' : `-${options.round}`}.sqlite`);
  const result = await withServer(() => startParley(`parley (${key})`, file), async (parley) => {
    const { orderId, token } = await createSendOrder(parley.url, 'bench send');
    return measure(key, 'Parley POST /v2/account-orders/{id}/messages', parley, {
      method: 'POST',
      paths: [`/v2/account-orders/${orderId}/messages`],
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: SEND_BODY,
    });
  });
  // Every acknowledged send must be in the file after the server has gone.
  const db = new BetterSqlite3(file, { readonly: true });
  try {
    const { n } = db.prepare(`SELECT count(*) AS n FROM messages WHERE type = 'user_message'`).get() as { n: number };
    result.extra = { messagesStored: n };
    log(`  messages on disk after the run (warm-up, check and measurement): ${n.toLocaleString('en')}`);
  } finally {
    db.close();
  }
  return result;
}

/**
 * The send on PostgreSQL (BENCH_PG_URL, by default the local server, synchronous_commit as it is
 * set there): `instances` Parley processes on one fresh database, the 64 connections split
 * evenly between them, their answers summed. Afterwards the database must hold every send
 * answered 2xx and none beyond those and the requests still unanswered when the run stopped.
 */
async function pgSendScenario(instances: 1 | 2, round?: number): Promise<ScenarioResult> {
  const key = instances === 1 ? 'send-pg' : 'send-pg-2x';
  const database = await createBenchPgDatabase(key);
  const tally: Tally = { answered2xx: 0, unanswered: 0 };
  try {
    const servers: ServerProcess[] = [];
    let result: ScenarioResult;
    let pgCpu = 0;
    try {
      // One after the other: the first migrates the database.
      for (let i = 1; i <= instances; i++) servers.push(await startParley(`parley (${key} ${i})`, database.url, { PARLEY_ENCRYPTION_KEY: BENCH_ENCRYPTION_KEY }));
      const { orderId, token } = await createSendOrder(servers[0]!.url, 'bench send');
      const label = instances === 1
        ? 'Parley POST /v2/account-orders/{id}/messages, PostgreSQL'
        : 'Parley POST /v2/account-orders/{id}/messages, PostgreSQL, two instances (sum)';
      // The backends of this database only: other work on the server (tests, other databases) is not counted.
      const before = new Map((await database.backends()).map((pid) => [pid, cpuSecondsOf([pid])]));
      result = await measure(key, label, servers, {
        method: 'POST',
        paths: [`/v2/account-orders/${orderId}/messages`],
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: SEND_BODY,
      }, tally);
      // Connections opened during the run count from zero.
      for (const pid of await database.backends()) pgCpu += cpuSecondsOf([pid]) - (before.get(pid) ?? 0);
    } finally {
      for (const server of servers) await server.stop();
    }
    const stored = await database.count(`select count(*) from messages where type = 'user_message'`);
    // PostgreSQL's CPU per send over the whole scenario (warm-up included): like the server's, it
    // barely moves when the machine is busy, unlike req/s.
    const pgCpuMicrosPerSend = (pgCpu / Math.max(1, tally.answered2xx)) * 1e6;
    result.extra = { messagesStored: stored, ...tally, pgCpuMicrosPerSend };
    log(`  messages stored: ${stored.toLocaleString('en')}; the benchmark saw ${tally.answered2xx.toLocaleString('en')} 2xx and ${tally.unanswered} unanswered; ` +
      `PostgreSQL CPU ${fmt(pgCpuMicrosPerSend, 1)} µs/send`);
    if (stored < tally.answered2xx || stored > tally.answered2xx + tally.unanswered) {
      throw new Error(`${key}: ${stored} messages stored for ${tally.answered2xx} 2xx answers and ${tally.unanswered} unanswered requests`);
    }
    return round === undefined || ROUNDS === 1 ? result : { ...result, label: `${result.label} (round ${round})`, round };
  } finally {
    await database.drop();
  }
}

/** PostgreSQL holds no key file: every instance gets this one (a benchmark's, never a deployment's). */
const BENCH_ENCRYPTION_KEY = 'b'.repeat(64);

/** What bench/store-path.ts prints. */
interface StorePathResult {
  callers: number;
  sends: number;
  sendsPerSecond: number;
  cpuMicrosPerSend: number;
  /** Warm-up and measurement. */
  totalSends: number;
  messagesStored: number;
}

/**
 * The send's store path alone, in its own process (bench/store-path.ts): as many callers as the
 * HTTP scenarios have connections, no HTTP. Its CPU per send is the figure to compare for a change
 * to the store, which the HTTP ratio on a drifting machine can hide.
 */
async function storePathScenario(dir: string): Promise<StorePathResult> {
  const file = path.join(dir, 'store-path.sqlite');
  const out = await runScript('store path', 'bench/store-path.ts', [file, String(CONNECTIONS), String(WARMUP_SECONDS), String(SECONDS)]);
  const result = JSON.parse(out.trim().split('\n').at(-1)!) as StorePathResult;
  // Each send that resolved must be a message in the file: a store that lost sends measures nothing.
  if (result.messagesStored !== result.totalSends) throw new Error(`store path: ${result.totalSends} sends resolved, ${result.messagesStored} messages stored`);
  log(`  ${storePathLine(result)}`);
  return result;
}

/** A read measured against its own same-bytes ceiling, round by round. */
interface ReadPairs {
  key: string;
  ceilings: ScenarioResult[];
  parleys: ScenarioResult[];
}

/** The thread scenario's length: a thread about as long as the issue's (21 messages, 4.8 KB). */
const THREAD_MESSAGES = 21;

/**
 * GET one order (1,000 ids in turn), the filtered list page, and (1k only: it writes messages,
 * and the 1M database is a shared cache) one order's 21-message thread. Each read is measured
 * against its own ceiling: Parley answers every path once, the bytes are handed to
 * bench/ceiling-server.ts, and a bare Fastify route sends exactly those bytes for the same
 * paths. Ceiling and Parley alternate, BENCH_ROUNDS times.
 */
async function readScenarios(dataset: Dataset, tag: string, dir: string): Promise<{ results: ScenarioResult[]; pairs: ReadPairs[] }> {
  const results: ScenarioResult[] = [];
  const pairs: ReadPairs[] = [];
  const ids = sampleIds(dataset, 1_000);
  const reads: { key: string; label: string; paths: string[] | 'thread' }[] = [
    { key: `get-${tag}`, label: `GET /v2/account-orders/{id}, ${tag} orders`, paths: ids.map((id) => `/v2/account-orders/${id}`) },
    { key: `list-${tag}`, label: `GET /v2/account-orders?filter[status]=pending, ${tag} orders`, paths: [LIST_PATH] },
    { key: `thread-${tag}`, label: `GET /v2/account-orders/{id}/messages (${THREAD_MESSAGES} messages), ${tag} orders`, paths: 'thread' },
  ];
  for (const read of reads) {
    if (!SELECTED.has(read.key)) continue;
    const pair: ReadPairs = { key: read.key, ceilings: [], parleys: [] };
    pairs.push(pair);
    await withServer(() => startParley(`parley (${read.key})`, dataset.file), async (parley) => {
      const token = await mintKey(parley.url, dataset.sellerId, `bench ${read.key}`);
      const headers = { authorization: `Bearer ${token}` };
      const paths = read.paths === 'thread' ? [await threadOf(parley.url, headers)] : read.paths;
      await readRounds(pair, read.label, parley, { method: 'GET', paths, headers }, dir);
    });
    results.push(...interleaved(pair));
  }
  return { results, pairs };
}

/**
 * `thread-pg`: the same 21-message thread read as `thread-1k`, from a Parley on a fresh PostgreSQL
 * database (its version reads batched per turn, src/store/batched-reads.ts), against its own
 * same-bytes ceiling, BENCH_ROUNDS times.
 */
async function pgThreadScenario(dir: string): Promise<{ results: ScenarioResult[]; pair: ReadPairs }> {
  const key = 'thread-pg';
  const label = `GET /v2/account-orders/{id}/messages (${THREAD_MESSAGES} messages), PostgreSQL`;
  const pair: ReadPairs = { key, ceilings: [], parleys: [] };
  const database = await createBenchPgDatabase(key);
  try {
    await withServer(() => startParley(`parley (${key})`, database.url, { PARLEY_ENCRYPTION_KEY: BENCH_ENCRYPTION_KEY }), async (parley) => {
      const { orderId, token } = await createSendOrder(parley.url, `bench ${key}`);
      const headers = { authorization: `Bearer ${token}` };
      const thread = `/v2/account-orders/${orderId}/messages`;
      await writeThread(parley.url, headers, thread);
      await readRounds(pair, label, parley, { method: 'GET', paths: [thread], headers }, dir);
    });
  } finally {
    await database.drop();
  }
  return { results: interleaved(pair), pair };
}

/** A read's results as they ran: each round's ceiling, then Parley. */
function interleaved(pair: ReadPairs): ScenarioResult[] {
  return pair.parleys.flatMap((parley, i) => [pair.ceilings[i]!, parley]);
}

/**
 * BENCH_ROUNDS rounds of a read against its same-bytes ceiling: Parley answers each path once,
 * a bare route serves exactly those bytes, then each is measured in turn.
 */
async function readRounds(pair: ReadPairs, label: string, parley: ServerProcess, load: Load, dir: string): Promise<void> {
  const bodiesFile = path.join(dir, `${pair.key}-bodies.json`);
  fs.writeFileSync(bodiesFile, JSON.stringify(await captureBodies(parley.url, load)));
  for (let round = 1; round <= ROUNDS; round++) {
    pair.ceilings.push(inRound(round, await withServer(
      () => spawnServer('ceiling', 'bench/ceiling-server.ts', [bodiesFile], {}),
      (ceiling) => measure(`ceiling-${pair.key}`, `Ceiling (the same bytes) ${label}`, ceiling, { method: 'GET', paths: load.paths, headers: {} }),
    )));
    pair.parleys.push(inRound(round, await measure(pair.key, `Parley ${label}`, parley, load)));
    log(`  round ${round}: ${pair.key} / its ceiling ${fmt(ratio(pair.parleys.at(-1)!.reqPerSec, pair.ceilings.at(-1)!.reqPerSec), 3)}`);
  }
}

/** What Parley answers each path, once, as text: the ceiling serves exactly these bytes. */
async function captureBodies(url: string, load: Load): Promise<Record<string, string>> {
  const bodies: Record<string, string> = {};
  for (const requestPath of load.paths) {
    const response = await fetch(`${url}${requestPath}`, { headers: load.headers });
    const body = await response.text();
    if (!response.ok) throw new Error(`GET ${requestPath} answered ${response.status}: ${body.slice(0, 300)}`);
    bodies[requestPath] = body;
  }
  return bodies;
}

/** The path of a thread of THREAD_MESSAGES messages: the seller writes them on the first pending order of the list. */
async function threadOf(url: string, headers: Record<string, string>): Promise<string> {
  const list = await fetch(`${url}${LIST_PATH}`, { headers });
  const orderId = ((await list.json()) as { data: { id: number }[] }).data[0]!.id;
  const thread = `/v2/account-orders/${orderId}/messages`;
  await writeThread(url, headers, thread);
  return thread;
}

/** The seller writes THREAD_MESSAGES messages to `thread`. */
async function writeThread(url: string, headers: Record<string, string>, thread: string): Promise<void> {
  for (let i = 1; i <= THREAD_MESSAGES; i++) {
    const response = await fetch(`${url}${thread}`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ message: `Message ${i} of the thread: the account is ready, the credentials follow in the next message.` }),
    });
    if (!response.ok) throw new Error(`POST ${thread} answered ${response.status}: ${await response.text()}`);
  }
}

/**
 * The durable purchase: `POST /admin/v1/item-offers/{id}/purchases` `{buyer_id, quantity: 1}`
 * with the admin key, every request against one listed item offer with a stock no run can
 * exhaust, so every request is a successful purchase (an order, its system message, its outbox
 * event, the stock taken and the order id appended to the offer, in one transaction). After the
 * run, with the server stopped, the file must hold exactly as many orders of the offer as its
 * stock went down by, as many opening messages, and at least as many as the 2xx answers the
 * benchmark saw (at most that plus the requests it sent and saw no answer to: autocannon stops
 * with requests still queued on the server).
 */
async function purchaseScenario(dir: string): Promise<ScenarioResult> {
  const file = path.join(dir, 'purchase.sqlite');
  const tally: Tally = { answered2xx: 0, unanswered: 0 };
  let offerId = 0;
  const result = await withServer(() => startParley('parley (purchase)', file), async (parley) => {
    const seller = await adminPost<{ id: number }>(parley.url, '/admin/v1/users', { username: 'bench-seller', role: 'seller' });
    const buyer = await adminPost<{ id: number }>(parley.url, '/admin/v1/users', { username: 'bench-buyer', role: 'buyer' });
    const game = await adminPost<{ id: number }>(parley.url, '/admin/v1/games', { name: 'Bench Game', slug: 'bench-game' });
    const token = await mintKey(parley.url, seller.id, 'bench purchase');
    const sellerPost = async (route: string, body?: unknown) => {
      const response = await fetch(`${parley.url}${route}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      if (!response.ok) throw new Error(`POST ${route} answered ${response.status}: ${text}`);
      return (JSON.parse(text) as { data: { id: number } }).data;
    };
    const offer = await sellerPost('/v2/item-offers', {
      game_id: game.id, title: 'Bench sword', description: 'Traded in game within the hour', price: 2.5, stock: PURCHASE_STOCK,
      delivery_time: { duration: 1, unit: 'hours' },
    });
    await sellerPost(`/v2/item-offers/${offer.id}/list`);
    offerId = offer.id;
    return measure('purchase', 'Parley POST /admin/v1/item-offers/{id}/purchases (quantity 1)', parley, {
      method: 'POST',
      paths: [`/admin/v1/item-offers/${offer.id}/purchases`],
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ buyer_id: buyer.id, quantity: 1 }),
    }, tally);
  });
  const db = new BetterSqlite3(file, { readonly: true });
  try {
    const { orders } = db.prepare(`SELECT count(*) AS orders FROM orders WHERE kind = 'item' AND offer_id = ?`).get(offerId) as { orders: number };
    const offer = db.prepare(`SELECT stock FROM item_currency_offers WHERE id = ?`).get(offerId) as { stock: number };
    const { recorded } = db.prepare(`SELECT count(*) AS recorded FROM offer_orders WHERE offer_kind = 'item' AND offer_id = ?`).get(offerId) as { recorded: number };
    const { opened } = db.prepare(`SELECT count(*) AS opened FROM messages WHERE order_kind = 'item' AND type = 'system_message'`).get() as { opened: number };
    const taken = PURCHASE_STOCK - offer.stock;
    const consistent = orders === taken && recorded === orders && opened === orders;
    const bracketed = orders >= tally.answered2xx && orders <= tally.answered2xx + tally.unanswered;
    result.extra = { offerId, ordersStored: orders, stockTaken: taken, orderIdsOnOffer: recorded, openingMessages: opened, ...tally, consistent, bracketed };
    log(`  purchases on disk after the run: ${orders.toLocaleString('en')} orders, stock down by ${taken.toLocaleString('en')}, ` +
      `${recorded.toLocaleString('en')} order ids on the offer, ${opened.toLocaleString('en')} opening messages; ` +
      `the benchmark saw ${tally.answered2xx.toLocaleString('en')} 2xx and sent ${tally.unanswered} requests it saw no answer to`);
    if (!consistent) throw new Error(`purchase: ${orders} orders, stock down by ${taken}, ${recorded} order ids on the offer, ${opened} opening messages: they must be equal`);
    if (!bracketed) throw new Error(`purchase: ${orders} orders stored for ${tally.answered2xx} 2xx answers and ${tally.unanswered} unanswered requests`);
  } finally {
    db.close();
  }
  return result;
}

/** `GET /v2/account-offers?filter[status]=listed` (page 1, 15 per page, newest first) with the seller's key. */
async function offerListScenario(dataset: Dataset, tag: string): Promise<ScenarioResult> {
  const key = `offer-list-${tag}`;
  return withServer(() => startParley(`parley (${key})`, dataset.file), async (parley) => {
    const token = await mintKey(parley.url, dataset.sellerId, `bench ${key}`);
    return measure(key, `Parley GET /v2/account-offers?filter[status]=listed, ${tag} offers`, parley, {
      method: 'GET', paths: [OFFER_LIST_PATH], headers: { authorization: `Bearer ${token}` },
    });
  });
}

function markdownTable(scenarios: ScenarioResult[]): string {
  const rows = [
    '| Scenario | req/s | p50 ms | p99 ms | answered / sent | non-2xx | errors | alone p50 ms | server CPU % | server CPU µs/req | other CPU % | idle RSS MB | peak RSS MB | VmHWM MB |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...scenarios.map((s) =>
      `| ${s.label.replace(/\|/g, '\\|')} | ${fmt(s.reqPerSec, 0)} | ${fmt(s.latencyMs.p50, 2)} | ${fmt(s.latencyMs.p99, 2)} | ${s.answered} / ${s.sent} | ${s.non2xx} | ${s.errors} | ${fmt(s.serialMs.p50, 2)} | ${fmt(s.cpuPercent?.serverPct, 0)} | ${fmt(cpuMicrosPerRequest(s), 1)} | ${fmt(s.cpuPercent?.otherPct, 0)} | ${fmt(s.idleRssMB, 1)} | ${fmt(s.peakRssMB, 1)} | ${fmt(s.vmHwmMB, 1)} |`),
  ];
  return rows.join('\n');
}

function storePathLine(result: StorePathResult): string {
  return `Store path alone (in process, no HTTP, ${result.callers} callers, durable): ${fmt(result.sendsPerSecond, 0)} sends/s, ` +
    `${fmt(result.cpuMicrosPerSend, 1)} µs of CPU per send`;
}

function summary(dataset: Dataset) {
  const { file: _file, buyerIds, gameIds, ...rest } = dataset;
  return { ...rest, buyers: buyerIds.length, games: gameIds.length };
}

/** The commit measured, `-dirty` when the working tree has uncommitted changes (they are measured too). */
function gitVersion(): string {
  try {
    return execFileSync('git', ['describe', '--always', '--dirty'], { cwd: ROOT, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

async function main(): Promise<void> {
  const date = execFileSync('date', ['-u'], { encoding: 'utf8' }).trim();
  const code = gitVersion();
  const machine = {
    nproc: os.availableParallelism(),
    cpu: os.cpus()[0]?.model ?? 'unknown',
    memoryGB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    /** 1, 5 and 15 minute load averages when the run started: anything else running skews every figure. */
    loadAverageAtStart: os.loadavg().map((n) => Number(n.toFixed(2))),
  };
  log(`Parley benchmark, ${date}, code ${code}`);
  log(`  ${machine.nproc} cores (${machine.cpu}), node ${machine.node}; ${CONNECTIONS} connections, ${WARMUP_SECONDS} s warm-up + ${SECONDS} s per scenario`);
  const idleCheck = cpuSnapshot(process.pid);
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const busyAtStart = cpuBetween(idleCheck, cpuSnapshot(process.pid));
  const otherAtStart = busyAtStart ? busyAtStart.otherPct + busyAtStart.serverPct : NaN; // "server" is this process here
  log(`  load average ${machine.loadAverageAtStart.join(', ')}; CPU used by other processes now: ${fmt(otherAtStart, 0)}% of one core`);
  if (otherAtStart > 15) log('  WARNING: the machine is busy; other processes share the cores and skew the figures (see "other CPU %")');

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-bench-'));
  try {
    log('\nPreparing data');
    const has = (key: string) => SELECTED.has(key);
    const needLarge = has('get-1M') || has('list-1M');
    // The 1k orders database also names the schema version of the cached 1M one.
    const small = needLarge || has('get-1k') || has('list-1k') || has('thread-1k') ? await freshDataset(tmp, SMALL, log) : null;
    if (small) log(`  ${SMALL.toLocaleString('en')} orders: fresh database, built in ${fmt(small.buildSeconds, 1)} s; schema version ${small.schemaVersion}`);
    const large = small && needLarge ? await cachedDataset(CACHE_DIR, LARGE, small.schemaVersion, { rebuild: REBUILD }, log) : null;
    if (large) log(`  ${LARGE.toLocaleString('en')} orders: ${large.reused ? 'REUSED cached database' : `built in ${fmt(large.buildSeconds, 1)} s`} ${large.file}`);
    const smallOffers = has('offer-list-1k') || has('offer-list-100k') ? await freshDataset(tmp, OFFERS_SMALL, log, ACCOUNT_OFFERS) : null;
    if (smallOffers) log(`  ${OFFERS_SMALL.toLocaleString('en')} account offers: fresh database, built in ${fmt(smallOffers.buildSeconds, 1)} s; schema version ${smallOffers.schemaVersion}`);
    const largeOffers = smallOffers && has('offer-list-100k')
      ? await cachedDataset(CACHE_DIR, OFFERS_LARGE, smallOffers.schemaVersion, { rebuild: REBUILD }, log, ACCOUNT_OFFERS)
      : null;
    if (largeOffers) log(`  ${OFFERS_LARGE.toLocaleString('en')} account offers: ${largeOffers.reused ? 'REUSED cached database' : `built in ${fmt(largeOffers.buildSeconds, 1)} s`} ${largeOffers.file}`);

    log('\nMeasuring');
    const scenarios: ScenarioResult[] = [];
    const pairs: Round[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const pair: Round = {};
      if (has('ceiling')) pair.ceiling = inRound(round, await withServer(
        () => spawnServer('ceiling', 'bench/ceiling-server.ts', [], {}),
        (ceiling) => measure('ceiling', 'Ceiling (bare Fastify) POST /v2/account-orders/{id}/messages', ceiling, {
          method: 'POST',
          paths: ['/v2/account-orders/1/messages'],
          headers: { 'content-type': 'application/json' },
          body: SEND_BODY,
        }),
      ));
      if (has('send')) pair.send = inRound(round, await sendScenario(tmp, { round }));
      if (pair.ceiling && pair.send) log(`  round ${round}: send / ceiling ${fmt(ratio(pair.send.reqPerSec, pair.ceiling.reqPerSec), 3)}`);
      if (has('send-pg')) pair['send-pg'] = await pgSendScenario(1, round);
      if (has('send-pg-2x')) pair['send-pg-2x'] = await pgSendScenario(2, round);
      for (const k of ['send-pg', 'send-pg-2x'] as const) {
        if (pair.ceiling && pair[k]) log(`  round ${round}: ${k} / ceiling ${fmt(ratio(pair[k].reqPerSec, pair.ceiling.reqPerSec), 3)}`);
      }
      scenarios.push(...[pair.ceiling, pair.send, pair['send-pg'], pair['send-pg-2x']].filter((s) => s !== undefined));
      if (pair.ceiling || pair.send) pairs.push(pair);
    }
    // Its own flow (bench/webhook-scenario.ts): the deliveries and the drain after the load are measured too.
    const webhookRun = has('send-webhook')
      ? await webhookScenario(tmp, { connections: CONNECTIONS, warmupSeconds: WARMUP_SECONDS, seconds: SECONDS, log })
      : null;
    const storePath = has('store-path') ? await storePathScenario(tmp) : null;
    // Its own flow (bench/fan-out-scenario.ts): 1,000 open streams during the send load.
    const fanOut = has('fan-out') ? await fanOutScenario(tmp, { connections: CONNECTIONS, warmupSeconds: WARMUP_SECONDS, seconds: SECONDS, log }) : null;
    // Its own flow (bench/logging-scenario.ts): the send at info against warn, stdout to a file.
    const logging = has('logging') ? await loggingScenario(tmp, { connections: CONNECTIONS, warmupSeconds: WARMUP_SECONDS, seconds: SECONDS, rounds: ROUNDS, log }) : null;
    const readPairs: ReadPairs[] = [];
    for (const [dataset, tag] of [[small, '1k'], [large, '1M']] as const) {
      if (!dataset) continue;
      const reads = await readScenarios(dataset, tag, tmp);
      scenarios.push(...reads.results);
      readPairs.push(...reads.pairs);
    }
    if (has('thread-pg')) {
      const pgThread = await pgThreadScenario(tmp);
      scenarios.push(...pgThread.results);
      readPairs.push(pgThread.pair);
    }
    if (has('purchase')) scenarios.push(await purchaseScenario(tmp));
    if (smallOffers && has('offer-list-1k')) scenarios.push(await offerListScenario(smallOffers, '1k'));
    if (largeOffers) scenarios.push(await offerListScenario(largeOffers, '100k'));

    // Ratios and targets: those whose scenarios ran (all of them in the default run).
    /** A read's round whose ratio to its ceiling is the median stands for the read (flatness, targets). */
    const medianReads = new Map<string, ScenarioResult>();
    const readRatios = new Map<string, { median: number; each: number[] }>();
    for (const pair of readPairs) {
      const each = pair.parleys.map((p, i) => ratio(p.reqPerSec, pair.ceilings[i]!.reqPerSec) ?? NaN);
      readRatios.set(pair.key, { median: median(each), each });
      medianReads.set(pair.key, pair.parleys[each.indexOf(median(each))]!);
    }
    const by = (key: string) => medianReads.get(key) ?? scenarios.find((s) => s.key === key);
    const within = (r: number | null, low: number, high: number) => r !== null && r >= low && r <= high;
    const times = (r: number | null) => (r === null ? 'n/a' : `${r.toFixed(3)}x`);
    const ratios: Record<string, unknown> = {};
    const ratioRows: string[] = [];
    const targets: { target: string; measured: string; met: boolean }[] = [];
    /** The ceiling the other ratios read: the median pair's, or the median of the ceilings alone. */
    let ceiling: ScenarioResult | undefined;
    if (pairs.length > 0 && pairs.every((p) => p.ceiling && p.send)) {
      // The pair whose ratio is the median stands for the send and the ceiling in the targets.
      const pairRatios = pairs.map((p) => ratio(p.send!.reqPerSec, p.ceiling!.reqPerSec) ?? NaN);
      const medianPair = pairs[pairRatios.indexOf(median(pairRatios))]!;
      const send = medianPair.send!;
      ceiling = medianPair.ceiling!;
      const sendRatio = ratio(send.reqPerSec, ceiling.reqPerSec);
      ratios.sendVsCeilingReqPerSec = sendRatio;
      ratios.sendVsCeilingEachRound = pairRatios;
      ratioRows.push(`| Parley send / ceiling (median of ${ROUNDS} rounds: ${pairRatios.map((r) => fmt(r, 3)).join(' / ')}) | ${fmt(sendRatio, 3)} | | |`);
      const sends = pairs.map((p) => p.send!);
      const peakSendRss = Math.max(...sends.map((r) => r.peakRssMB));
      targets.push(
        { target: 'send req/s >= 60% of the ceiling', measured: `${fmt((sendRatio ?? NaN) * 100, 1)}%`, met: (sendRatio ?? 0) >= 0.6 },
        { target: 'send p99 <= 10 ms (the median pair)', measured: `${fmt(send.latencyMs.p99, 2)} ms`, met: send.latencyMs.p99 <= 10 },
        { target: 'send: no non-2xx, no errors (every round)', measured: `${sum(sends, 'non2xx')} non-2xx, ${sum(sends, 'errors')} errors`, met: sum(sends, 'non2xx') === 0 && sum(sends, 'errors') === 0 },
        { target: 'peak RSS under send load < 200 MB (the highest round)', measured: `${fmt(peakSendRss, 1)} MB`, met: peakSendRss < 200 },
      );
    } else {
      const ceilings = pairs.map((p) => p.ceiling).filter((c) => c !== undefined);
      if (ceilings.length > 0) {
        const middle = median(ceilings.map((c) => c.reqPerSec));
        ceiling = ceilings.find((c) => c.reqPerSec === middle);
      }
    }
    // The PostgreSQL sends, each round against that round's ceiling: the median round stands.
    for (const [k, name] of [['send-pg', 'PostgreSQL send'], ['send-pg-2x', 'PostgreSQL send, two instances (sum)']] as const) {
      const rounds = pairs.filter((p) => p.ceiling && p[k]);
      if (rounds.length === 0) continue;
      const each = rounds.map((p) => ratio(p[k]!.reqPerSec, p.ceiling!.reqPerSec) ?? NaN);
      const middle = rounds[each.indexOf(median(each))]![k]!;
      const r = median(each);
      ratios[`${k}VsCeilingReqPerSec`] = r;
      ratios[`${k}VsCeilingEachRound`] = each;
      ratioRows.push(`| Parley ${name} / ceiling (median of ${each.length}: ${each.map((x) => fmt(x, 3)).join(' / ')}) | ${fmt(r, 3)} | | |`);
      const results = rounds.map((p) => p[k]!);
      const peak = Math.max(...results.map((x) => x.peakRssMB));
      targets.push(
        { target: `${name} req/s >= 30% of the ceiling`, measured: `${fmt(r * 100, 1)}%`, met: r >= 0.3 },
        { target: `${name} p99 <= 20 ms (the median round)`, measured: `${fmt(middle.latencyMs.p99, 2)} ms`, met: middle.latencyMs.p99 <= 20 },
        { target: `${name}: no non-2xx, no errors`, measured: `${sum(results, 'non2xx')} non-2xx, ${sum(results, 'errors')} errors`, met: sum(results, 'non2xx') === 0 && sum(results, 'errors') === 0 },
        { target: `${name}: peak RSS < 200 MB (each process, the highest round)`, measured: `${fmt(peak, 1)} MB`, met: peak < 200 },
      );
    }
    for (const [key, r] of readRatios) {
      const floor = key.startsWith('list-') ? 0.5 : 0.6;
      const read = by(key)!;
      ratios[`${key}VsSameBytesCeiling`] = r;
      ratioRows.push(`| Parley ${key} / its same-bytes ceiling (median of ${r.each.length}: ${r.each.map((x) => fmt(x, 3)).join(' / ')}) | ${fmt(r.median, 3)} | | |`);
      targets.push(
        { target: `${key} req/s >= ${floor * 100}% of its same-bytes ceiling`, measured: `${fmt(r.median * 100, 1)}%`, met: r.median >= floor },
        { target: `${key}: no non-2xx, no errors; peak RSS < 200 MB`, measured: `${read.non2xx} non-2xx, ${read.errors} errors, ${fmt(read.peakRssMB, 1)} MB`, met: read.non2xx === 0 && read.errors === 0 && read.peakRssMB < 200 },
      );
    }
    if (fanOut) {
      ratios.fanOut = { ...fanOut, vsCeilingReqPerSec: ceiling ? ratio(fanOut.reqPerSec, ceiling.reqPerSec) : null };
      log(`\nfan-out\n\n${FAN_OUT_TABLE_HEADER}\n${fanOutRow(fanOut, ceiling?.reqPerSec ?? null)}`);
      targets.push({ target: 'fan-out: send -> event on a stream p99 <= 50 ms', measured: `${fmt(fanOut.deliveryFromRequestMs.p99, 1)} ms`, met: fanOut.deliveryFromRequestMs.p99 <= 50 });
    }
    if (webhookRun) {
      const webhookRatio = ceiling ? ratio(webhookRun.reqPerSec, ceiling.reqPerSec) : null;
      ratios.sendWithWebhookVsCeilingReqPerSec = webhookRatio;
      ratios.sendWithWebhook = webhookRun;
      ratioRows.push(`| Parley send with a webhook endpoint / ceiling | ${fmt(webhookRatio, 3)} | | |`);
      log(`\nsend-webhook\n\n${WEBHOOK_TABLE_HEADER}\n${webhookRow(webhookRun, ceiling?.reqPerSec ?? null)}`);
      targets.push(
        { target: 'send with a webhook endpoint >= 50% of the ceiling', measured: `${fmt((webhookRatio ?? NaN) * 100, 1)}%`, met: (webhookRatio ?? 0) >= 0.5 },
        { target: 'webhook deliveries during the load >= 0.9 of the sends', measured: fmt(webhookRun.deliveredVsSent, 3), met: webhookRun.deliveredVsSent >= 0.9 },
        {
          target: 'webhook backlog empty within 10 s after the load',
          measured: webhookRun.drainSeconds === null ? 'not within 60 s' : `${fmt(webhookRun.drainSeconds, 1)} s`,
          met: webhookRun.drainSeconds !== null && webhookRun.drainSeconds <= 10,
        },
        { target: 'peak RSS with webhooks (load and drain) < 200 MB', measured: `${fmt(webhookRun.peakRssMB, 1)} MB`, met: webhookRun.peakRssMB < 200 },
      );
    }
    const purchase = by('purchase');
    if (purchase) {
      if (ceiling) {
        ratios.purchaseVsCeilingReqPerSec = ratio(purchase.reqPerSec, ceiling.reqPerSec);
        ratioRows.push(`| Parley purchase / ceiling | ${fmt(ratios.purchaseVsCeilingReqPerSec as number | null, 3)} | | |`);
      }
      const extra = purchase.extra as { ordersStored: number; stockTaken: number; answered2xx: number; unanswered: number; consistent: boolean; bracketed: boolean };
      targets.push(
        { target: 'purchase: no non-2xx, no errors', measured: `${purchase.non2xx} non-2xx, ${purchase.errors} errors`, met: purchase.non2xx === 0 && purchase.errors === 0 },
        {
          target: 'purchase: orders stored == stock taken, between the 2xx seen and 2xx + unanswered',
          measured: `${extra.ordersStored} orders, stock -${extra.stockTaken}, ${extra.answered2xx} 2xx + ${extra.unanswered} unanswered`,
          met: extra.consistent && extra.bracketed,
        },
      );
    }
    /** Flat with the table size: the large p50 within 1.5x of the small one, its req/s at least the small one's / 1.5. */
    const flatness = (name: string, smallKey: string, largeKey: string, sizes: string) => {
      const a = by(smallKey);
      const b = by(largeKey);
      if (!a || !b) return;
      const r = { p50: ratio(b.latencyMs.p50, a.latencyMs.p50), reqPerSec: ratio(b.reqPerSec, a.reqPerSec), aloneP50: ratio(b.serialMs.p50, a.serialMs.p50) };
      ratios[`${largeKey} / ${smallKey}`] = r;
      ratioRows.push(`| ${name}, ${sizes} | ${fmt(r.reqPerSec, 3)} | ${fmt(r.p50, 3)} | ${fmt(r.aloneP50, 3)} |`);
      const [smallSize, largeSize] = sizes.split(' / ').reverse() as [string, string];
      targets.push(
        { target: `${name}: ${largeSize} p50 <= 1.5x the ${smallSize} p50`, measured: times(r.p50), met: within(r.p50, 0, 1.5) },
        { target: `${name}: ${largeSize} req/s >= ${smallSize} req/s / 1.5`, measured: times(r.reqPerSec), met: within(r.reqPerSec, 1 / 1.5, Infinity) },
      );
    };
    flatness('GET by id', 'get-1k', 'get-1M', '1M / 1k');
    flatness('filtered list', 'list-1k', 'list-1M', '1M / 1k');
    flatness('account offer list', 'offer-list-1k', 'offer-list-100k', '100k / 1k');

    const table = markdownTable(scenarios);
    const ratioTable = ratioRows.length ? ['| Ratio | req/s | p50 | alone p50 |', '| --- | ---: | ---: | ---: |', ...ratioRows].join('\n') : '';
    const targetTable = targets.length
      ? ['| Target | Measured | Met |', '| --- | ---: | --- |', ...targets.map((t) => `| ${t.target} | ${t.measured} | ${t.met ? 'yes' : 'no'} |`)].join('\n')
      : '';
    const subset = SELECTED.size < ALL_SCENARIOS.length;
    const loadAtEnd = os.loadavg().map((n) => Number(n.toFixed(2)));
    const cached = [
      large ? `1M orders database ${large.reused ? 'reused from the cache' : 'built in this run'}` : null,
      largeOffers ? `100k offers database ${largeOffers.reused ? 'reused from the cache' : 'built in this run'}` : null,
    ].filter((x) => x !== null);
    const header = `${date}; code ${code}; ${machine.nproc} cores (${machine.cpu}), node ${machine.node}; ${CONNECTIONS} connections, ` +
      `${WARMUP_SECONDS} s warm-up + ${SECONDS} s per scenario; ${subset ? `scenarios ${[...SELECTED].join(', ')}; ` : ''}` +
      `${cached.length ? `${cached.join(', ')}; ` : ''}` +
      `load average (1/5/15 min) ${machine.loadAverageAtStart.join(' / ')} at start, ${loadAtEnd.join(' / ')} at end.`;

    const sections = [header, table, storePath ? storePathLine(storePath) : '', ratioTable, targetTable].filter((x) => x !== '');
    if (subset) log('\nSubset run (BENCH_SCENARIOS): only the ratios and targets whose scenarios ran');
    log(`\nResults (markdown)\n\n${sections.join('\n\n')}\n`);

    const resultsDir = path.join(ROOT, 'bench/results');
    fs.mkdirSync(resultsDir, { recursive: true });
    const datasets = Object.fromEntries(
      ([['1k', small], ['1M', large], ['offers-1k', smallOffers], ['offers-100k', largeOffers]] as const)
        .filter(([, d]) => d !== null)
        .map(([name, d]) => [name, { ...summary(d!), ...(d!.reused || d === large || d === largeOffers ? { file: d!.file } : {}) }]),
    );
    const report = {
      date,
      isoDate: new Date().toISOString(),
      code,
      machine: { ...machine, loadAverageAtEnd: loadAtEnd },
      settings: { seconds: SECONDS, warmupSeconds: WARMUP_SECONDS, connections: CONNECTIONS, timeoutSeconds: TIMEOUT_SECONDS, rounds: ROUNDS, scenarios: [...SELECTED] },
      datasets,
      scenarios,
      storePath,
      logging,
      ratios,
      targets,
      markdown: { header, table, storePath: storePath ? storePathLine(storePath) : null, ratios: ratioTable, targets: targetTable },
    };
    fs.writeFileSync(path.join(resultsDir, subset ? 'latest-subset.json' : 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
    log(`Raw figures: ${path.relative(process.cwd(), path.join(resultsDir, subset ? 'latest-subset.json' : 'latest.json'))}`);
  } finally {
    killAllChildren();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

process.on('exit', killAllChildren);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    killAllChildren();
    process.exit(130);
  });
}

try {
  await main();
} catch (error) {
  process.stderr.write(`bench: ${(error as Error).stack ?? String(error)}\n`);
  killAllChildren();
  process.exitCode = 1;
}
