/**
 * `npx tsc -p tsconfig.bench.json && npx tsx bench/webhook.ts`: the `send-webhook` scenario alone,
 * `BENCH_ROUNDS` pairs of (ceiling, send-webhook), each ratio against its own ceiling, and the
 * medians. `npm run bench` runs the same scenario once among the others.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { intFromEnv, killAllChildren } from './processes.js';
import { ceilingReqPerSec, webhookRow, webhookScenario, WEBHOOK_TABLE_HEADER, type WebhookScenarioResult } from './webhook-scenario.js';

const options = {
  connections: 64,
  warmupSeconds: intFromEnv('BENCH_WARMUP_SECONDS', 2, 0),
  seconds: intFromEnv('BENCH_SECONDS', 10, 1),
  log: (line: string) => process.stdout.write(`${line}\n`),
};
const rounds = intFromEnv('BENCH_ROUNDS', 3, 1);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

process.on('exit', killAllChildren);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-bench-webhook-'));
try {
  options.log(`send-webhook, ${rounds} rounds; load average ${os.loadavg().map((n) => n.toFixed(2)).join(' / ')}`);
  const rows: { result: WebhookScenarioResult; ceiling: number }[] = [];
  for (let round = 1; round <= rounds; round++) {
    const ceiling = await ceilingReqPerSec(options);
    const result = await webhookScenario(tmp, options, round);
    rows.push({ result, ceiling });
  }
  const ratios = rows.map((r) => r.result.reqPerSec / r.ceiling);
  options.log(`\n${WEBHOOK_TABLE_HEADER}\n${rows.map((r) => webhookRow(r.result, r.ceiling)).join('\n')}`);
  options.log(`\nmedians: send / ceiling ${median(ratios).toFixed(3)}, delivered / sent ${median(rows.map((r) => r.result.deliveredVsSent)).toFixed(3)}, ` +
    `drain ${median(rows.map((r) => r.result.drainSeconds ?? Infinity)).toFixed(1)} s; load average ${os.loadavg().map((n) => n.toFixed(2)).join(' / ')}`);
} finally {
  killAllChildren();
  fs.rmSync(tmp, { recursive: true, force: true });
}
