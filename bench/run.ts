/**
 * `npm run bench`: autocannon (64 connections) against a bare Fastify ceiling and against Parley
 * started as its own process: the send route on a durable SQLite write, and the two order reads
 * with 1,000 and with 1,000,000 orders. See bench/README.md.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import autocannon from 'autocannon';
import { adminPost, cachedDataset, createSendOrder, freshDataset, mintKey, SEND_BODY, startParley, type Dataset } from './datasets.js';
import { cpuBetween, cpuSnapshot, intFromEnv, killAllChildren, readMemory, ROOT, RssSampler, runScript, spawnServer, type ServerProcess } from './processes.js';

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
const ALL_SCENARIOS = ['ceiling', 'send', 'send-webhook', 'store-path', 'get-1k', 'list-1k', 'get-1M', 'list-1M'] as const;
const SELECTED = new Set((process.env.BENCH_SCENARIOS?.trim() || ALL_SCENARIOS.join(',')).split(',').map((s) => s.trim()));
for (const name of SELECTED) {
  if (!(ALL_SCENARIOS as readonly string[]).includes(name)) throw new Error(`BENCH_SCENARIOS: unknown scenario "${name}" (known: ${ALL_SCENARIOS.join(', ')})`);
}
const SMALL = 1_000;
const LARGE = 1_000_000;
const LIST_PATH = `/v2/account-orders?${encodeURIComponent('filter[status]')}=pending`;

const log = (line: string) => process.stdout.write(`${line}\n`);

interface Load {
  method: 'GET' | 'POST';
  /** Requests cycle through these paths. */
  paths: string[];
  headers: Record<string, string>;
  body?: string;
}

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

function runCannon(url: string, load: Load, seconds: number, collect: boolean): Promise<{ result: autocannon.Result; latencies: number[] }> {
  return new Promise((resolve, reject) => {
    const latencies: number[] = [];
    let next = 0;
    const paths = load.paths;
    const instance = autocannon(
      {
        url,
        connections: CONNECTIONS,
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

async function measure(key: string, label: string, server: ServerProcess, load: Load): Promise<ScenarioResult> {
  const idleRssKb = readMemory(server.pid)?.rssKb ?? NaN;
  await checkOnce(server.url, load);
  const sampler = new RssSampler(server.pid);
  sampler.start();
  let run: { result: autocannon.Result; latencies: number[] };
  let memory: ReturnType<RssSampler['stop']>;
  let serial: Awaited<ReturnType<typeof serialProbe>>;
  let cpu: ReturnType<typeof cpuBetween>;
  try {
    if (WARMUP_SECONDS > 0) {
      await runCannon(server.url, load, WARMUP_SECONDS, false);
      // autocannon leaves up to 64 requests in the server's queue when the warm-up ends; a request
      // sent after them comes back once they are served, so the measurement starts on an idle server.
      await checkOnce(server.url, load);
    }
    serial = await serialProbe(server.url, load);
    const before = cpuSnapshot(server.pid);
    run = await runCannon(server.url, load, SECONDS, true);
    cpu = cpuBetween(before, cpuSnapshot(server.pid));
  } finally {
    memory = sampler.stop();
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
  const span = dataset.lastOrderId - dataset.firstOrderId + 1;
  let state = 0xb0b;
  const random = () => {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    return state / 4294967296;
  };
  const ids = span <= count
    ? Array.from({ length: span }, (_, i) => dataset.firstOrderId + i)
    : Array.from({ length: count }, () => dataset.firstOrderId + Math.floor(random() * span));
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

/**
 * The send route on a durable write. With `webhookSink` the seller has a webhook endpoint taking
 * order.message.created there, so each send also writes an outbox event and a delivery, and
 * Parley's worker delivers them during the measurement (the sink runs as its own process).
 */
async function sendScenario(dir: string, options: { webhookSink?: string; round?: number } = {}): Promise<ScenarioResult> {
  const webhookSink = options.webhookSink ?? null;
  const key = webhookSink ? 'send-webhook' : 'send';
  // A fresh database for each run, as a fresh server.
  const file = path.join(dir, `${key}${options.round === undefined ? '' : `-${options.round}`}.sqlite`);
  const result = await withServer(() => startParley(`parley (${key})`, file), async (parley) => {
    const { sellerId, orderId, token } = await createSendOrder(parley.url, 'bench send');
    if (webhookSink) {
      await adminPost(parley.url, `/admin/v1/users/${sellerId}/webhook-endpoints`, { url: webhookSink, events: ['order.message.created'] });
    }
    const label = webhookSink
      ? 'Parley POST /v2/account-orders/{id}/messages, with a webhook endpoint'
      : 'Parley POST /v2/account-orders/{id}/messages';
    return measure(key, label, parley, {
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
    if (webhookSink) {
      const states = db.prepare('SELECT state, count(*) AS n FROM webhook_deliveries GROUP BY state ORDER BY state').all() as { state: string; n: number }[];
      result.extra.deliveries = Object.fromEntries(states.map((r) => [r.state, r.n]));
      log(`  webhook deliveries when the server stopped: ${states.map((r) => `${r.n.toLocaleString('en')} ${r.state}`).join(', ')}`);
    }
  } finally {
    db.close();
  }
  return result;
}

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

async function readScenarios(dataset: Dataset, tag: string): Promise<ScenarioResult[]> {
  const results: ScenarioResult[] = [];
  const ids = sampleIds(dataset, 1_000);
  const reads: { key: string; label: string; paths: string[] }[] = [
    { key: `get-${tag}`, label: `Parley GET /v2/account-orders/{id}, ${tag} orders`, paths: ids.map((id) => `/v2/account-orders/${id}`) },
    { key: `list-${tag}`, label: `Parley GET /v2/account-orders?filter[status]=pending, ${tag} orders`, paths: [LIST_PATH] },
  ];
  for (const read of reads) {
    if (!SELECTED.has(read.key)) continue;
    results.push(await withServer(() => startParley(`parley (${read.key})`, dataset.file), async (parley) => {
      const token = await mintKey(parley.url, dataset.sellerId, `bench ${read.key}`);
      return measure(read.key, read.label, parley, { method: 'GET', paths: read.paths, headers: { authorization: `Bearer ${token}` } });
    }));
  }
  return results;
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
    const small = await freshDataset(tmp, SMALL, log);
    log(`  ${SMALL.toLocaleString('en')} orders: fresh database, built in ${fmt(small.buildSeconds, 1)} s; schema version ${small.schemaVersion}`);
    const needLarge = SELECTED.has('get-1M') || SELECTED.has('list-1M');
    const large = needLarge ? await cachedDataset(CACHE_DIR, LARGE, small.schemaVersion, { rebuild: REBUILD }, log) : null;
    if (large) log(`  ${LARGE.toLocaleString('en')} orders: ${large.reused ? 'REUSED cached database' : `built in ${fmt(large.buildSeconds, 1)} s`} ${large.file}`);

    log('\nMeasuring');
    const scenarios: ScenarioResult[] = [];
    const pairs: { ceiling?: ScenarioResult; send?: ScenarioResult }[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const pair: { ceiling?: ScenarioResult; send?: ScenarioResult } = {};
      if (SELECTED.has('ceiling')) pair.ceiling = inRound(round, await withServer(
        () => spawnServer('ceiling', 'bench/ceiling-server.ts', [], {}),
        (ceiling) => measure('ceiling', 'Ceiling (bare Fastify) POST /v2/account-orders/{id}/messages', ceiling, {
          method: 'POST',
          paths: ['/v2/account-orders/1/messages'],
          headers: { 'content-type': 'application/json' },
          body: SEND_BODY,
        }),
      ));
      if (SELECTED.has('send')) pair.send = inRound(round, await sendScenario(tmp, { round }));
      if (pair.ceiling && pair.send) log(`  round ${round}: send / ceiling ${fmt(ratio(pair.send.reqPerSec, pair.ceiling.reqPerSec), 3)}`);
      scenarios.push(...[pair.ceiling, pair.send].filter((s) => s !== undefined));
      pairs.push(pair);
    }
    if (SELECTED.has('send-webhook')) {
      scenarios.push(await withServer(
        () => spawnServer('webhook sink', 'bench/ceiling-server.ts', [], {}),
        (sink) => sendScenario(tmp, { webhookSink: `${sink.url}/webhook-sink` }),
      ));
    }
    const storePath = SELECTED.has('store-path') ? await storePathScenario(tmp) : null;
    scenarios.push(...(await readScenarios(small, '1k')));
    if (large) scenarios.push(...(await readScenarios(large, '1M')));
    if (SELECTED.size < ALL_SCENARIOS.length) {
      log(`\nSubset run (BENCH_SCENARIOS): no ratios or targets\n\n${markdownTable(scenarios)}\n`);
      if (storePath) log(storePathLine(storePath));
      return;
    }

    const by = (key: string) => scenarios.find((s) => s.key === key)!;
    // The pair whose ratio is the median stands for the send and the ceiling in the targets.
    const pairRatios = pairs.map((p) => ratio(p.send!.reqPerSec, p.ceiling!.reqPerSec) ?? NaN);
    const medianPair = pairs[pairRatios.indexOf(median(pairRatios))]!;
    const send = medianPair.send!;
    const ceiling = medianPair.ceiling!;
    const ratios = {
      sendVsCeilingReqPerSec: ratio(send.reqPerSec, ceiling.reqPerSec),
      sendVsCeilingEachRound: pairRatios,
      sendWithWebhookVsCeilingReqPerSec: ratio(by('send-webhook').reqPerSec, ceiling.reqPerSec),
      getById1MVs1k: {
        p50: ratio(by('get-1M').latencyMs.p50, by('get-1k').latencyMs.p50),
        reqPerSec: ratio(by('get-1M').reqPerSec, by('get-1k').reqPerSec),
        aloneP50: ratio(by('get-1M').serialMs.p50, by('get-1k').serialMs.p50),
      },
      list1MVs1k: {
        p50: ratio(by('list-1M').latencyMs.p50, by('list-1k').latencyMs.p50),
        reqPerSec: ratio(by('list-1M').reqPerSec, by('list-1k').reqPerSec),
        aloneP50: ratio(by('list-1M').serialMs.p50, by('list-1k').serialMs.p50),
      },
    };
    const sends = pairs.map((p) => p.send!);
    const peakSendRss = Math.max(...sends.map((r) => r.peakRssMB));
    const within = (r: number | null, low: number, high: number) => r !== null && r >= low && r <= high;
    const times = (r: number | null) => (r === null ? 'n/a' : `${r.toFixed(3)}x`);
    const targets = [
      { target: 'send req/s >= 60% of the ceiling', measured: `${fmt((ratios.sendVsCeilingReqPerSec ?? NaN) * 100, 1)}%`, met: (ratios.sendVsCeilingReqPerSec ?? 0) >= 0.6 },
      { target: 'send p99 <= 10 ms (the median pair)', measured: `${fmt(send.latencyMs.p99, 2)} ms`, met: send.latencyMs.p99 <= 10 },
      { target: 'send: no non-2xx, no errors (every round)', measured: `${sum(sends, 'non2xx')} non-2xx, ${sum(sends, 'errors')} errors`, met: sum(sends, 'non2xx') === 0 && sum(sends, 'errors') === 0 },
      { target: 'GET by id: 1M p50 <= 1.5x the 1k p50', measured: times(ratios.getById1MVs1k.p50), met: within(ratios.getById1MVs1k.p50, 0, 1.5) },
      { target: 'GET by id: 1M req/s >= 1k req/s / 1.5', measured: times(ratios.getById1MVs1k.reqPerSec), met: within(ratios.getById1MVs1k.reqPerSec, 1 / 1.5, Infinity) },
      { target: 'filtered list: 1M p50 <= 1.5x the 1k p50', measured: times(ratios.list1MVs1k.p50), met: within(ratios.list1MVs1k.p50, 0, 1.5) },
      { target: 'filtered list: 1M req/s >= 1k req/s / 1.5', measured: times(ratios.list1MVs1k.reqPerSec), met: within(ratios.list1MVs1k.reqPerSec, 1 / 1.5, Infinity) },
      { target: 'peak RSS under send load < 200 MB (the highest round)', measured: `${fmt(peakSendRss, 1)} MB`, met: peakSendRss < 200 },
    ];

    const table = markdownTable(scenarios);
    const ratioTable = [
      '| Ratio | req/s | p50 | alone p50 |',
      '| --- | ---: | ---: | ---: |',
      `| Parley send / ceiling (median of ${ROUNDS} rounds: ${pairRatios.map((r) => fmt(r, 3)).join(' / ')}) | ${fmt(ratios.sendVsCeilingReqPerSec, 3)} | | |`,
      `| Parley send with a webhook endpoint / ceiling | ${fmt(ratios.sendWithWebhookVsCeilingReqPerSec, 3)} | | |`,
      `| GET by id, 1M / 1k | ${fmt(ratios.getById1MVs1k.reqPerSec, 3)} | ${fmt(ratios.getById1MVs1k.p50, 3)} | ${fmt(ratios.getById1MVs1k.aloneP50, 3)} |`,
      `| Filtered list, 1M / 1k | ${fmt(ratios.list1MVs1k.reqPerSec, 3)} | ${fmt(ratios.list1MVs1k.p50, 3)} | ${fmt(ratios.list1MVs1k.aloneP50, 3)} |`,
    ].join('\n');
    const targetTable = [
      '| Target | Measured | Met |',
      '| --- | ---: | --- |',
      ...targets.map((t) => `| ${t.target} | ${t.measured} | ${t.met ? 'yes' : 'no'} |`),
    ].join('\n');
    const loadAtEnd = os.loadavg().map((n) => Number(n.toFixed(2)));
    const header = `${date}; code ${code}; ${machine.nproc} cores (${machine.cpu}), node ${machine.node}; ${CONNECTIONS} connections, ` +
      `${WARMUP_SECONDS} s warm-up + ${SECONDS} s per scenario; 1M database ${large!.reused ? 'reused from the cache' : 'built in this run'}; ` +
      `load average (1/5/15 min) ${machine.loadAverageAtStart.join(' / ')} at start, ${loadAtEnd.join(' / ')} at end.`;

    log(`\nResults (markdown)\n\n${header}\n\n${table}\n\n${storePathLine(storePath!)}\n\n${ratioTable}\n\n${targetTable}\n`);

    const resultsDir = path.join(ROOT, 'bench/results');
    fs.mkdirSync(resultsDir, { recursive: true });
    const report = {
      date,
      isoDate: new Date().toISOString(),
      code,
      machine: { ...machine, loadAverageAtEnd: loadAtEnd },
      settings: { seconds: SECONDS, warmupSeconds: WARMUP_SECONDS, connections: CONNECTIONS, timeoutSeconds: TIMEOUT_SECONDS, rounds: ROUNDS },
      datasets: { '1k': summary(small), '1M': { ...summary(large!), file: large!.file } },
      scenarios,
      storePath,
      ratios,
      targets,
      markdown: { header, table, storePath: storePathLine(storePath!), ratios: ratioTable, targets: targetTable },
    };
    fs.writeFileSync(path.join(resultsDir, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
    log(`Raw figures: ${path.relative(process.cwd(), path.join(resultsDir, 'latest.json'))}`);
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
