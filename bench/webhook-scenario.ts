/**
 * `send-webhook`: the send route while the seller has one webhook endpoint taking
 * `order.message.created`, delivered to a loopback receiver in its own process
 * (bench/webhook-sink.ts, answers 204 at once). Besides the send's req/s and latency it measures
 * whether delivery keeps pace: deliveries per second during the load, delivered / sent, and how
 * long the backlog takes to drain once the load stops. See bench/README.md.
 */
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import autocannon from 'autocannon';
import { adminPost, createSendOrder, SEND_BODY, startParley } from './datasets.js';
import { cpuBetween, cpuSnapshot, RssSampler, spawnServer, type ServerProcess } from './processes.js';

/** Given up on after this long: the backlog did not drain. */
const DRAIN_LIMIT_SECONDS = 60;

/**
 * PARLEY_WEBHOOK_CONCURRENCY for the scenario unless set: a closed loop of 64 connections makes up
 * to 64 events per turn of Parley's event loop, and an attempt takes one to two turns (the
 * receiver answers in the next), so about twice as many attempts must be under way to keep pace.
 */
const BENCH_CONCURRENCY = '128';

export interface WebhookScenarioOptions {
  connections: number;
  warmupSeconds: number;
  seconds: number;
  log: (line: string) => void;
}

export interface WebhookScenarioResult {
  key: 'send-webhook';
  label: string;
  /** PARLEY_WEBHOOK_CONCURRENCY as the server got it. */
  concurrency: string;
  reqPerSec: number;
  latencyMs: { p50: number; p99: number };
  non2xx: number;
  errors: number;
  /** Sends answered 2xx during the measurement, and deliveries the receiver got in the same time. */
  sentDuringLoad: number;
  deliveredDuringLoad: number;
  deliveriesPerSec: number;
  /** deliveredDuringLoad / sentDuringLoad. */
  deliveredVsSent: number;
  /** From the end of the load until no delivery is pending; null if it took over DRAIN_LIMIT_SECONDS. */
  drainSeconds: number | null;
  /** After the drain: events stored, distinct events the receiver got, POSTs it got (duplicates included). */
  eventsStored: number;
  eventsReceived: number;
  postsReceived: number;
  cpuPercent: { serverPct: number; benchPct: number; otherPct: number } | null;
  /** Server CPU per send during the load, deliveries included. */
  serverCpuMicrosPerSend: number | null;
  /** Server CPU per delivery while the backlog drained (null with fewer than 1,000 deliveries in it). */
  serverCpuMicrosPerDelivery: number | null;
  peakRssMB: number;
}

async function sinkCount(sink: ServerProcess): Promise<{ received: number; events: number }> {
  const response = await fetch(`${sink.url}/count`);
  return (await response.json()) as { received: number; events: number };
}

function pendingIn(db: BetterSqlite3.Database): number {
  return (db.prepare(`SELECT count(*) AS n FROM webhook_deliveries WHERE state = 'pending'`).get() as { n: number }).n;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

function cannon(url: string, path: string, headers: Record<string, string>, connections: number, seconds: number, latencies: number[] | null): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      { url, connections, pipelining: 1, duration: seconds, timeout: 30, method: 'POST', headers, body: SEND_BODY, requests: [{ path }] },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
    if (latencies) {
      instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
        if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
      });
    }
  });
}

const fmt = (value: number | null | undefined, digits: number) =>
  value === null || value === undefined || !Number.isFinite(value) ? 'n/a' : value.toFixed(digits);

export async function webhookScenario(dir: string, options: WebhookScenarioOptions, round?: number): Promise<WebhookScenarioResult> {
  const { connections, warmupSeconds, seconds, log } = options;
  const concurrency = process.env.PARLEY_WEBHOOK_CONCURRENCY?.trim() || BENCH_CONCURRENCY;
  const file = path.join(dir, `send-webhook${round === undefined ? '' : `-${round}`}.sqlite`);
  const sink = await spawnServer('webhook sink', 'bench/webhook-sink.ts', [], {});
  let parley: ServerProcess | null = null;
  try {
    parley = await startParley('parley (send-webhook)', file, { PARLEY_WEBHOOK_CONCURRENCY: concurrency });
    const { sellerId, orderId, token } = await createSendOrder(parley.url, 'bench send-webhook');
    await adminPost(parley.url, `/admin/v1/users/${sellerId}/webhook-endpoints`, { url: `${sink.url}/webhook-sink`, events: ['order.message.created'] });
    const route = `/v2/account-orders/${orderId}/messages`;
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const sampler = new RssSampler(parley.pid);
    sampler.start();
    const db = new BetterSqlite3(file, { readonly: true });
    try {
      if (warmupSeconds > 0) await cannon(parley.url, route, headers, connections, warmupSeconds, null);
      const latencies: number[] = [];
      const before = await sinkCount(sink);
      const cpuBefore = cpuSnapshot(parley.pid);
      const startedAt = performance.now();
      const result = await cannon(parley.url, route, headers, connections, seconds, latencies);
      const loadSeconds = (performance.now() - startedAt) / 1000;
      const cpu = cpuBetween(cpuBefore, cpuSnapshot(parley.pid));
      const after = await sinkCount(sink);
      const stoppedAt = performance.now();
      const cpuAtStop = cpuSnapshot(parley.pid);
      // The backlog left when the load stopped: time until nothing is pending.
      let drainSeconds: number | null = null;
      while ((performance.now() - stoppedAt) / 1000 < DRAIN_LIMIT_SECONDS) {
        if (pendingIn(db) === 0) {
          drainSeconds = (performance.now() - stoppedAt) / 1000;
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const cpuDrain = cpuBetween(cpuAtStop, cpuSnapshot(parley.pid));
      const memory = sampler.stop();
      const final = await sinkCount(sink);
      const drainSecondsSpent = (performance.now() - stoppedAt) / 1000;
      const deliveredInDrain = final.received - after.received;
      const eventsStored = (db.prepare('SELECT count(*) AS n FROM webhook_events').get() as { n: number }).n;
      const sorted = Float64Array.from(latencies).sort();
      const sentDuringLoad = Object.entries(result.statusCodeStats)
        .filter(([code]) => Number(code) >= 200 && Number(code) < 300)
        .reduce((n, [, s]) => n + s.count, 0);
      const deliveredDuringLoad = after.received - before.received;
      const reqPerSec = result.requests.mean;
      const scenario: WebhookScenarioResult = {
        key: 'send-webhook',
        label: 'Parley POST /v2/account-orders/{id}/messages, with a webhook endpoint',
        concurrency,
        reqPerSec,
        latencyMs: { p50: percentile(sorted, 50), p99: percentile(sorted, 99) },
        non2xx: result.non2xx,
        errors: result.errors,
        sentDuringLoad,
        deliveredDuringLoad,
        deliveriesPerSec: deliveredDuringLoad / loadSeconds,
        deliveredVsSent: sentDuringLoad > 0 ? deliveredDuringLoad / sentDuringLoad : NaN,
        drainSeconds,
        eventsStored,
        eventsReceived: final.events,
        postsReceived: final.received,
        cpuPercent: cpu,
        serverCpuMicrosPerSend: cpu && reqPerSec > 0 ? ((cpu.serverPct / 100) / reqPerSec) * 1e6 : null,
        // Deliveries only (no sends): what one costs the server, when the drain had enough of them to tell.
        serverCpuMicrosPerDelivery: cpuDrain && deliveredInDrain >= 1000
          ? ((cpuDrain.serverPct / 100) * drainSecondsSpent / deliveredInDrain) * 1e6
          : null,
        peakRssMB: memory.peakRssKb / 1024,
      };
      log(
        `  ${scenario.label}${round === undefined ? '' : ` (round ${round})`}: ${fmt(reqPerSec, 0)} req/s, p50 ${fmt(scenario.latencyMs.p50, 2)} ms, ` +
          `p99 ${fmt(scenario.latencyMs.p99, 2)} ms, non-2xx ${scenario.non2xx}, errors ${scenario.errors}; deliveries during the load ` +
          `${fmt(scenario.deliveriesPerSec, 0)}/s, delivered / sent ${fmt(scenario.deliveredVsSent, 3)}; backlog drained ` +
          `${drainSeconds === null ? `NOT within ${DRAIN_LIMIT_SECONDS} s` : `in ${fmt(drainSeconds, 1)} s`}; ${final.events.toLocaleString('en')} of ` +
          `${eventsStored.toLocaleString('en')} events received (${final.received.toLocaleString('en')} POSTs); CPU server ${fmt(cpu?.serverPct, 0)}% ` +
          `(${fmt(scenario.serverCpuMicrosPerSend, 1)} µs/send; draining ${fmt(scenario.serverCpuMicrosPerDelivery, 1)} µs/delivery), bench ${fmt(cpu?.benchPct, 0)}%, other ${fmt(cpu?.otherPct, 0)}%; ` +
          `peak RSS ${fmt(scenario.peakRssMB, 1)} MB; PARLEY_WEBHOOK_CONCURRENCY ${scenario.concurrency}`,
      );
      return scenario;
    } finally {
      sampler.stop();
      db.close();
    }
  } finally {
    await parley?.stop();
    await sink.stop();
  }
}

/** The markdown row of one run, for bench/README.md's webhook table. */
export function webhookRow(r: WebhookScenarioResult, ceilingReqPerSec: number | null): string {
  const ratio = ceilingReqPerSec ? r.reqPerSec / ceilingReqPerSec : null;
  return `| ${fmt(r.reqPerSec, 0)} | ${fmt(ratio, 3)} | ${fmt(r.deliveriesPerSec, 0)} | ${fmt(r.deliveredVsSent, 3)} | ` +
    `${r.drainSeconds === null ? '> 60' : fmt(r.drainSeconds, 1)} | ${fmt(r.latencyMs.p50, 2)} / ${fmt(r.latencyMs.p99, 2)} | ${fmt(r.peakRssMB, 1)} | ` +
    `${fmt(r.cpuPercent?.otherPct, 0)} | ${r.concurrency} |`;
}

export const WEBHOOK_TABLE_HEADER = [
  '| send req/s | / ceiling | deliveries/s during load | delivered / sent | drain s | p50 / p99 ms | peak RSS MB | other CPU % | concurrency |',
  '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
].join('\n');

/** The bare Fastify ceiling (bench/ceiling-server.ts) measured the same way, for bench/webhook.ts. */
export async function ceilingReqPerSec(options: WebhookScenarioOptions): Promise<number> {
  const ceiling = await spawnServer('ceiling', 'bench/ceiling-server.ts', [], {});
  try {
    const headers = { 'content-type': 'application/json' };
    if (options.warmupSeconds > 0) await cannon(ceiling.url, '/v2/account-orders/1/messages', headers, options.connections, options.warmupSeconds, null);
    const result = await cannon(ceiling.url, '/v2/account-orders/1/messages', headers, options.connections, options.seconds, null);
    options.log(`  Ceiling (bare Fastify) POST /v2/account-orders/{id}/messages: ${fmt(result.requests.mean, 0)} req/s`);
    return result.requests.mean;
  } finally {
    await ceiling.stop();
  }
}
