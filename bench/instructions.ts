/**
 * `npm run bench:instructions`: the CPU instructions one send costs, counted by valgrind's
 * callgrind, for the ceiling and for Parley's durable send. Counts, unlike req/s and CPU time, do
 * not move with what the rest of the machine is doing: the same code gives the same count within
 * about 1%, so a change of a few percent can be read from one run of each side (bench/README.md).
 *
 * Each server runs under callgrind (about 50 times slower), gets a warm-up of BENCH_IR_WARMUP
 * sends so that V8 has compiled the hot code, then BENCH_IR_REQUESTS measured sends; callgrind's
 * counters are zeroed before and dumped after, through its gdbserver (`vgdb`). Printed: user-space
 * instructions per request on the main thread (the event loop, where a request's own work runs)
 * and on all threads (V8's compiler and garbage-collection helpers, the fsync-free libuv pool).
 * Kernel work (system calls, the fsync itself) is not counted: that is what the HTTP scenarios show.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { adminPost, createSendOrder, SEND_BODY, startParley } from './datasets.js';
import { intFromEnv, killAllChildren, spawnServer, type ServerProcess } from './processes.js';

const WARMUP = intFromEnv('BENCH_IR_WARMUP', 12_000, 1);
const REQUESTS = intFromEnv('BENCH_IR_REQUESTS', 6_000, 1);
/** Fewer than the HTTP scenarios' 64: under callgrind the server is the bottleneck anyway. */
const CONNECTIONS = 16;
/**
 * BENCH_IR_WEBHOOK=1: the seller has a webhook endpoint on bench/webhook-sink.ts (its own
 * process, not counted), and each window lasts until every send's delivery has been received, so
 * the count per request is a send and its delivery (claim, signing, the POST, the settlement).
 */
const WEBHOOK = process.env.BENCH_IR_WEBHOOK === '1';

try {
  execFileSync('valgrind', ['--version'], { stdio: 'ignore' });
} catch {
  process.stderr.write('bench:instructions needs valgrind (Debian: apt-get install valgrind)\n');
  process.exit(2);
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-instructions-'));
const vgdbPrefix = path.join(work, 'vgdb');
// valgrind names its gdbserver pipes after $HOST; the server gets HOST=127.0.0.1, so vgdb must too.
const vgdbEnv = { ...process.env, HOST: '127.0.0.1' };

/**
 * V8's memory reducer starts full garbage collections when the allocation rate per second of
 * wall time falls, and under callgrind it falls about 50 times: with it on, the same code's count
 * ranged over 190-240k instructions per send between runs (full collections landing in the window
 * or not). Off, runs agree within a few percent. Only this benchmark turns it off.
 */
const COUNTING_FLAGS = ['--no-memory-reducer'];

function callgrind(outFile: string): string[] {
  return ['valgrind', '--tool=callgrind', '--separate-threads=yes', '--vgdb=yes', `--vgdb-prefix=${vgdbPrefix}`, `--callgrind-out-file=${outFile}`];
}

function vgdb(server: ServerProcess, command: string): void {
  execFileSync('vgdb', [`--vgdb-prefix=${vgdbPrefix}`, `--pid=${server.pid}`, command], { env: vgdbEnv, stdio: 'ignore' });
}

function load(url: string, headers: Record<string, string>, amount: number): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon({ url, method: 'POST', headers, body: SEND_BODY, connections: CONNECTIONS, amount, timeout: 120 }, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

/** How many times the code in one callgrind file called the function named `name` (its `calls=` lines). */
function callsTo(text: string, name: string): number {
  const ids = new Set<string>();
  let calls = 0;
  let target = false;
  for (const line of text.split('\n')) {
    // Names are compressed: given once, on the first `fn=` or `cfn=` line of an id, then the id alone.
    const fn = /^(c?)fn=\((\d+)\)(?: (.*))?$/.exec(line);
    if (fn) {
      if (fn[3] !== undefined && (fn[3] === name || fn[3].startsWith(`${name}'`))) ids.add(fn[2]!);
      target = fn[1] === 'c' && ids.has(fn[2]!);
      continue;
    }
    // A `calls=` line follows its `cfn=` line directly.
    const call = /^calls=(\d+)/.exec(line);
    if (call && target) calls += Number(call[1]);
    target = false;
  }
  return calls;
}

/**
 * The `totals:` of each thread's file of callgrind's first dump (the main thread's, and all of
 * them), and the main thread's calls to fsync: one per group commit, whose size moves the count
 * per request (each commit has a fixed cost), and which is set by timing, not by the code alone.
 */
function countsOf(outFile: string): { main: number; all: number; fsyncs: number } {
  const dir = path.dirname(outFile);
  const prefix = `${path.basename(outFile)}.1-`;
  let main = 0;
  let all = 0;
  let fsyncs = 0;
  for (const file of fs.readdirSync(dir).filter((f) => f.startsWith(prefix))) {
    const text = fs.readFileSync(path.join(dir, file), 'utf8');
    const match = /^(?:summary|totals): (\d+)/m.exec(text);
    if (!match) continue;
    all += Number(match[1]);
    if (file.endsWith('-01')) {
      main = Number(match[1]);
      fsyncs = callsTo(text, 'fsync');
    }
  }
  if (main === 0) throw new Error(`no callgrind dump for the main thread in ${dir}`);
  return { main, all, fsyncs };
}

interface Count {
  label: string;
  mainPerRequest: number;
  allPerRequest: number;
  /** Requests per fsync of the main thread (per group commit, for Parley); null when it made none. */
  requestsPerFsync: number | null;
}

async function measure(
  label: string, server: ServerProcess, outFile: string, url: string, headers: Record<string, string>,
  /** Resolves once the work the sends so far caused (their deliveries) is done. */
  settled: (sends: number) => Promise<void> = async () => {},
): Promise<Count> {
  const warm = await load(url, headers, WARMUP);
  if (warm.non2xx || warm.errors) throw new Error(`${label}: warm-up got ${warm.non2xx} non-2xx and ${warm.errors} errors`);
  await settled(warm.requests.total);
  vgdb(server, 'zero');
  const measured = await load(url, headers, REQUESTS);
  await settled(warm.requests.total + measured.requests.total);
  vgdb(server, 'dump');
  await server.stop();
  if (measured.non2xx || measured.errors) throw new Error(`${label}: got ${measured.non2xx} non-2xx and ${measured.errors} errors`);
  const answered = measured.requests.total;
  const { main, all, fsyncs } = countsOf(outFile);
  return { label, mainPerRequest: main / answered, allPerRequest: all / answered, requestsPerFsync: fsyncs === 0 ? null : answered / fsyncs };
}

async function ceiling(): Promise<Count> {
  const outFile = path.join(work, 'ceiling.out');
  const server = await spawnServer('ceiling (callgrind)', 'bench/ceiling-server.ts', [], {}, callgrind(outFile), COUNTING_FLAGS);
  return measure('Ceiling (bare Fastify) POST /v2/account-orders/{id}/messages', server, outFile, `${server.url}/v2/account-orders/1/messages`, {
    'content-type': 'application/json',
  });
}

async function parleySend(): Promise<Count> {
  const outFile = path.join(work, 'parley.out');
  // Webhook polls run on a timer: under callgrind's slowdown they would be counted about 50 times
  // as often per request as at full speed. No endpoint exists here, so nothing else changes.
  const server = await startParley('parley (callgrind)', path.join(work, 'parley.sqlite'), { PARLEY_WEBHOOK_POLL_MS: '3600000' }, callgrind(outFile), COUNTING_FLAGS);
  const { orderId, token, sellerId } = await createSendOrder(server.url, 'bench instructions');
  const route = `${server.url}/v2/account-orders/${orderId}/messages`;
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  if (!WEBHOOK) return measure('Parley POST /v2/account-orders/{id}/messages (durable)', server, outFile, route, headers);
  const sink = await spawnServer('webhook sink', 'bench/webhook-sink.ts', [], {});
  try {
    await adminPost(server.url, `/admin/v1/users/${sellerId}/webhook-endpoints`, { url: `${sink.url}/webhook-sink`, events: ['order.message.created'] });
    const delivered = async (sends: number) => {
      for (;;) {
        const { events } = await (await fetch(`${sink.url}/count`)).json() as { events: number };
        if (events >= sends) return;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    };
    return await measure('Parley POST /v2/account-orders/{id}/messages with a webhook endpoint (the send and its delivery)', server, outFile, route, headers, delivered);
  } finally {
    await sink.stop();
  }
}

const log = (line: string) => process.stdout.write(`${line}\n`);
try {
  log(`Instructions per request under callgrind (${new Date().toISOString()}, node ${process.version}): ${WARMUP} warm-up and ${REQUESTS} measured sends each, ${CONNECTIONS} connections`);
  const counts: Count[] = [];
  for (const run of [ceiling, parleySend]) {
    const count = await run();
    counts.push(count);
    const batches = count.requestsPerFsync === null ? '' : `; ${count.requestsPerFsync.toFixed(1)} requests per fsync (group commit)`;
    log(`  ${count.label}: ${Math.round(count.mainPerRequest).toLocaleString('en')} on the main thread, ${Math.round(count.allPerRequest).toLocaleString('en')} on all threads${batches}`);
  }
  const [bare, parley] = counts as [Count, Count];
  log(`  ceiling / Parley, main thread: ${(bare.mainPerRequest / parley.mainPerRequest).toFixed(3)}`);
  log(JSON.stringify({ date: new Date().toISOString(), warmup: WARMUP, requests: REQUESTS, counts }));
} finally {
  killAllChildren();
  fs.rmSync(work, { recursive: true, force: true });
}
