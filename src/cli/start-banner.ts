import type { ParleyConfig } from '../config.js';
import type { RunningParley } from '../server.js';

/** The SQLite file, or the PostgreSQL URL without its password. */
export function describeDatabase(database: ParleyConfig['database']): string {
  if (database.dialect === 'sqlite') return database.file;
  try {
    const url = new URL(database.url);
    if (url.password) url.password = '***';
    url.searchParams.forEach((_, name) => {
      if (/pass/i.test(name)) url.searchParams.set(name, '***');
    });
    return `PostgreSQL ${url.toString()}`;
  } catch {
    return 'PostgreSQL';
  }
}

/** What a developer needs after `npm start`: where it listens, the keys minted once, a ready curl. */
export function printStartBanner(parley: RunningParley, config: ParleyConfig): void {
  const base = parley.url.replace('0.0.0.0', '127.0.0.1');
  const lines = [
    '',
    `Parley is listening on ${base}`,
    `  database: ${describeDatabase(config.database)}`,
    `  OpenAPI:  ${base}/api/openapi.json`,
  ];
  const first = parley.firstStart;
  if (first?.adminToken) lines.push('', `Admin key (shown once, keep it): ${first.adminToken}`);
  if (first?.demo) {
    const pending = first.demo.orders.find((o) => o.status === 'pending')!;
    lines.push(
      `Demo seller key (shown once): ${first.demo.sellerToken}`,
      `Demo buyer key  (shown once): ${first.demo.buyerToken}`,
      `Demo account orders: ${first.demo.orders.map((o) => `#${o.id} ${o.status}`).join(', ')}`,
      `Demo item order: #${first.demo.itemOrder.id}, currency order: #${first.demo.currencyOrder.id} (pending)`,
      '',
      'Send a message as the seller:',
      `  curl -sS -X POST ${base}/v2/account-orders/${pending.id}/messages \\`,
      `    -H 'Authorization: Bearer ${first.demo.sellerToken}' \\`,
      `    -H 'Content-Type: application/json' -d '{"message": "Hello from Parley!"}'`,
      '',
      'Read the thread:',
      `  curl -sS ${base}/v2/account-orders/${pending.id}/messages -H 'Authorization: Bearer ${first.demo.sellerToken}'`,
    );
  } else if (!first) {
    lines.push('', 'Existing database: keys were printed on its first start. Mint new ones with the admin API (see README).');
  }
  process.stdout.write(`${lines.join('\n')}\n\n`);
}
