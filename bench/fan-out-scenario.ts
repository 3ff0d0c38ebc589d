/**
 * `fan-out`: the send route at full speed (64 connections) while 1,000 event streams are open on
 * the same Parley process, one per order (each send reaches the one stream of its order, as one
 * person watching each conversation). Measures the send rate with the streams open, the time
 * from a send to its event on a stream (a probe order, sent to every PROBE_EVERY_MS during the
 * load), that every acknowledged send reached its stream, and the memory one open stream costs.
 * The same load runs first with no stream open: the difference is what the streams cost.
 */
import http from 'node:http';
import path from 'node:path';
import autocannon from 'autocannon';
import { adminPost, mintKey, SEND_BODY, startParley } from './datasets.js';
import { cpuBetween, cpuSnapshot, readMemory, RssSampler, type ServerProcess } from './processes.js';

const STREAMS = 1_000;
const PROBE_EVERY_MS = 20;

export interface FanOutOptions {
  connections: number;
  warmupSeconds: number;
  seconds: number;
  log: (line: string) => void;
}

export interface FanOutResult {
  key: 'fan-out';
  label: string;
  streams: number;
  /** The same load on the same orders before any stream was opened. */
  withoutStreams: { reqPerSec: number; serverCpuMicrosPerSend: number | null; latencyMs: { p50: number; p99: number } };
  reqPerSec: number;
  serverCpuMicrosPerSend: number | null;
  latencyMs: { p50: number; p99: number };
  non2xx: number;
  errors: number;
  /** From the probe's request start to its event on the stream (an upper bound of commit -> delivery). */
  deliveryFromRequestMs: { p50: number; p99: number; max: number; probes: number };
  /** From the probe's 2xx (the commit is before it) to its event; 0 when the event came first. */
  deliveryAfterAckMs: { p50: number; p99: number; max: number };
  /** Acknowledged sends to the stream orders, and message events their streams got (warm-up included). */
  acknowledged: number;
  delivered: number;
  memoryPerStreamKB: number;
  rssBeforeStreamsMB: number;
  rssWithStreamsMB: number;
  peakRssMB: number;
  cpuPercent: { serverPct: number; benchPct: number; otherPct: number } | null;
}

const fmt = (value: number | null | undefined, digits: number) =>
  value === null || value === undefined || !Number.isFinite(value) ? 'n/a' : value.toFixed(digits);

function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** One open stream: counts its message events; `onEvent` sees each one's data line (the probe's). */
function openStream(url: string, token: string, onData: (chunk: string) => void): Promise<http.ClientRequest> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { agent: false, headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' } }, (response) => {
      if (response.statusCode !== 200) return reject(new Error(`stream ${url} answered ${response.statusCode}`));
      response.setEncoding('utf8');
      response.on('data', onData);
      resolve(request);
    });
    request.on('error', reject);
  });
}

const countOf = (chunk: string, needle: string) => chunk.split(needle).length - 1;

export async function fanOutScenario(dir: string, options: FanOutOptions): Promise<FanOutResult> {
  const { connections, warmupSeconds, seconds, log } = options;
  // One client address holds 1,000 streams and the load's connections.
  const parley = await startParley('parley (fan-out)', path.join(dir, 'fan-out.sqlite'), {
    PARLEY_STREAM_MAX_PER_KEY: String(STREAMS + 10),
    PARLEY_MAX_CONNECTIONS_PER_IP: '0',
  });
  const streams: http.ClientRequest[] = [];
  try {
    return await measure(parley, streams, connections, warmupSeconds, seconds, log);
  } finally {
    for (const stream of streams) stream.destroy();
    await parley.stop();
  }
}

async function measure(parley: ServerProcess, streams: http.ClientRequest[], connections: number, warmupSeconds: number, seconds: number, log: (line: string) => void): Promise<FanOutResult> {
  const seller = await adminPost<{ id: number }>(parley.url, '/admin/v1/users', { username: 'fan-out-seller', role: 'seller' });
  const buyer = await adminPost<{ id: number }>(parley.url, '/admin/v1/users', { username: 'fan-out-buyer', role: 'buyer' });
  const game = await adminPost<{ id: number }>(parley.url, '/admin/v1/games', { name: 'Fan-out Game', slug: 'fan-out-game' });
  const orderIds: number[] = [];
  for (let i = 0; i < STREAMS; i += 50) {
    const batch = await Promise.all(Array.from({ length: Math.min(50, STREAMS - i) }, () => adminPost<{ id: number }>(parley.url, '/admin/v1/account-orders', {
      seller_id: seller.id, buyer_id: buyer.id, game_id: game.id, title: 'Fan-out account', price: '19.99', status: 'pending',
    })));
    orderIds.push(...batch.map((o) => o.id));
  }
  const token = await mintKey(parley.url, seller.id, 'bench fan-out');
  const [probeOrder, ...loadOrders] = orderIds as [number, ...number[]];

  const paths = loadOrders.map((id) => `/v2/account-orders/${id}/messages`);
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  let next = 0;
  const cannon = (duration: number, latencies: number[] | null) => new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: parley.url, connections, pipelining: 1, duration, timeout: 30, method: 'POST', headers, body: SEND_BODY,
        requests: [{ setupRequest: (request) => ({ ...request, path: paths[next++ % paths.length]! }) }],
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
    if (latencies) {
      instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
        if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
      });
    }
  });
  const acknowledgedOf = (result: autocannon.Result) => Object.entries(result.statusCodeStats)
    .filter(([code]) => Number(code) >= 200 && Number(code) < 300).reduce((n, [, s]) => n + s.count, 0);

  // The same load with no stream open, on the same orders: the baseline.
  if (warmupSeconds > 0) await cannon(warmupSeconds, null);
  const baseLatencies: number[] = [];
  const baseCpuBefore = cpuSnapshot(parley.pid);
  const base = await cannon(seconds, baseLatencies);
  const baseCpu = cpuBetween(baseCpuBefore, cpuSnapshot(parley.pid));
  const withoutStreams = {
    reqPerSec: base.requests.mean,
    serverCpuMicrosPerSend: baseCpu && base.requests.mean > 0 ? ((baseCpu.serverPct / 100) / base.requests.mean) * 1e6 : null,
    latencyMs: { p50: percentile(baseLatencies, 50), p99: percentile(baseLatencies, 99) },
  };
  log(`  the same load with no stream open: ${fmt(withoutStreams.reqPerSec, 0)} req/s, server CPU ${fmt(withoutStreams.serverCpuMicrosPerSend, 1)} µs/send, ` +
    `p50 ${fmt(withoutStreams.latencyMs.p50, 2)} ms, p99 ${fmt(withoutStreams.latencyMs.p99, 2)} ms`);

  const rssBefore = readMemory(parley.pid)?.rssKb ?? NaN;
  let delivered = 0;
  const probeArrivals = new Map<number, number>();
  let probeBuffer = '';
  streams.push(await openStream(`${parley.url}/v2/account-orders/${probeOrder}/messages/stream`, token, (chunk) => {
    const now = performance.now();
    probeBuffer += chunk;
    for (const match of probeBuffer.matchAll(/"text":"probe (\d+)"/g)) if (!probeArrivals.has(Number(match[1]))) probeArrivals.set(Number(match[1]), now);
    probeBuffer = probeBuffer.slice(probeBuffer.lastIndexOf('\n') + 1);
  }));
  for (let i = 0; i < loadOrders.length; i += 100) {
    streams.push(...await Promise.all(loadOrders.slice(i, i + 100).map((id) =>
      openStream(`${parley.url}/v2/account-orders/${id}/messages/stream`, token, (chunk) => (delivered += countOf(chunk, 'event: message\n'))))));
  }
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const rssWith = readMemory(parley.pid)?.rssKb ?? NaN;
  log(`  ${streams.length} streams open: RSS ${fmt(rssBefore / 1024, 1)} MB -> ${fmt(rssWith / 1024, 1)} MB`);

  let acknowledged = 0;
  if (warmupSeconds > 0) acknowledged += acknowledgedOf(await cannon(warmupSeconds, null));
  const sampler = new RssSampler(parley.pid);
  sampler.start();
  const cpuBefore = cpuSnapshot(parley.pid);
  // The probe: one send at a time to its own order, every PROBE_EVERY_MS, during the load.
  const probes: { n: number; startedAt: number; ackedAt: number }[] = [];
  let probing = true;
  const probeLoop = (async () => {
    for (let n = 0; probing; n++) {
      const startedAt = performance.now();
      const response = await fetch(`${parley.url}/v2/account-orders/${probeOrder}/messages`, { method: 'POST', headers, body: JSON.stringify({ message: `probe ${n}` }) });
      await response.arrayBuffer();
      if (response.ok) probes.push({ n, startedAt, ackedAt: performance.now() });
      const wait = PROBE_EVERY_MS - (performance.now() - startedAt);
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    }
  })();
  const latencies: number[] = [];
  const result = await cannon(seconds, latencies);
  probing = false;
  await probeLoop;
  const cpu = cpuBetween(cpuBefore, cpuSnapshot(parley.pid));
  acknowledged += acknowledgedOf(result);
  // Events still on their way when the load stopped.
  for (let waited = 0; (delivered < acknowledged || probeArrivals.size < probes.length) && waited < 10_000; waited += 50) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const memory = sampler.stop();
  const fromRequest = probes.map((p) => (probeArrivals.get(p.n) ?? NaN) - p.startedAt).filter(Number.isFinite);
  const afterAck = probes.map((p) => Math.max(0, (probeArrivals.get(p.n) ?? NaN) - p.ackedAt)).filter(Number.isFinite);
  const scenario: FanOutResult = {
    key: 'fan-out',
    label: `Parley POST /v2/account-orders/{id}/messages with ${STREAMS} streams open`,
    streams: streams.length,
    withoutStreams,
    reqPerSec: result.requests.mean,
    serverCpuMicrosPerSend: cpu && result.requests.mean > 0 ? ((cpu.serverPct / 100) / result.requests.mean) * 1e6 : null,
    latencyMs: { p50: percentile(latencies, 50), p99: percentile(latencies, 99) },
    non2xx: result.non2xx,
    errors: result.errors,
    deliveryFromRequestMs: { p50: percentile(fromRequest, 50), p99: percentile(fromRequest, 99), max: Math.max(...fromRequest), probes: probes.length },
    deliveryAfterAckMs: { p50: percentile(afterAck, 50), p99: percentile(afterAck, 99), max: Math.max(...afterAck) },
    acknowledged,
    delivered,
    memoryPerStreamKB: (rssWith - rssBefore) / streams.length,
    rssBeforeStreamsMB: rssBefore / 1024,
    rssWithStreamsMB: rssWith / 1024,
    peakRssMB: memory.peakRssKb / 1024,
    cpuPercent: cpu,
  };
  log(
    `  ${scenario.label}: ${fmt(scenario.reqPerSec, 0)} req/s (${fmt(scenario.reqPerSec / withoutStreams.reqPerSec, 3)} of the same load without streams), ` +
      `server CPU ${fmt(scenario.serverCpuMicrosPerSend, 1)} µs/send, p50 ${fmt(scenario.latencyMs.p50, 2)} ms, p99 ${fmt(scenario.latencyMs.p99, 2)} ms, ` +
      `non-2xx ${scenario.non2xx}, errors ${scenario.errors}; send -> event on its stream (${probes.length} probes, ${fromRequest.length} arrived): ` +
      `p50 ${fmt(scenario.deliveryFromRequestMs.p50, 2)} ms, p99 ${fmt(scenario.deliveryFromRequestMs.p99, 2)} ms from the request, ` +
      `p99 ${fmt(scenario.deliveryAfterAckMs.p99, 2)} ms after the 2xx; ${delivered.toLocaleString('en')} events for ${acknowledged.toLocaleString('en')} sends; ` +
      `${fmt(scenario.memoryPerStreamKB, 1)} KB RSS per open stream; peak RSS ${fmt(scenario.peakRssMB, 1)} MB; ` +
      `CPU server ${fmt(cpu?.serverPct, 0)}%, bench ${fmt(cpu?.benchPct, 0)}%, other ${fmt(cpu?.otherPct, 0)}%`,
  );
  return scenario;
}

/** The markdown row of one run, for bench/README.md. */
export function fanOutRow(r: FanOutResult, ceilingReqPerSec: number | null): string {
  const ratio = ceilingReqPerSec ? r.reqPerSec / ceilingReqPerSec : null;
  return `| ${r.streams} | ${fmt(r.withoutStreams.reqPerSec, 0)} -> ${fmt(r.reqPerSec, 0)} | ${fmt(ratio, 3)} | ` +
    `${fmt(r.withoutStreams.serverCpuMicrosPerSend, 1)} -> ${fmt(r.serverCpuMicrosPerSend, 1)} | ${fmt(r.latencyMs.p50, 2)} / ${fmt(r.latencyMs.p99, 2)} | ` +
    `${fmt(r.deliveryFromRequestMs.p50, 2)} / ${fmt(r.deliveryFromRequestMs.p99, 2)} | ${fmt(r.deliveryAfterAckMs.p99, 2)} | ` +
    `${r.delivered.toLocaleString('en')} / ${r.acknowledged.toLocaleString('en')} | ${fmt(r.memoryPerStreamKB, 1)} | ${fmt(r.peakRssMB, 1)} | ${fmt(r.cpuPercent?.otherPct, 0)} |`;
}

export const FAN_OUT_TABLE_HEADER = [
  '| streams | send req/s without -> with streams | with / ceiling | server µs/send without -> with | send p50 / p99 ms | send -> event p50 / p99 ms | after 2xx p99 ms | events / sends | KB per stream | peak RSS MB | other CPU % |',
  '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
].join('\n');
