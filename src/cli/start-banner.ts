import net from 'node:net';
import { adminTokenTooShort, MIN_ADMIN_TOKEN_LENGTH, type ParleyConfig } from '../config.js';
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

/** Whether `host` only listens on this machine: localhost, 127.0.0.0/8, ::1 (bracketed or IPv4-mapped too). */
export function isLoopbackHost(host: string): boolean {
  const bare = host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (bare === 'localhost') return true;
  const v4 = bare.replace(/^::ffff:/, '');
  if (net.isIPv4(v4)) return v4.startsWith('127.');
  return net.isIPv6(bare) && /^(0{0,4}:){7}0{0,3}1$|^::1$/.test(bare);
}

/** Settings an operator must not miss, each a line of its own, loud. */
export function startWarnings(config: Pick<ParleyConfig, 'env' | 'host' | 'adminToken'>): string[] {
  const warnings: string[] = [];
  if (config.env === 'sandbox' && !isLoopbackHost(config.host)) {
    warnings.push(
      `WARNING: PARLEY_ENV is sandbox but HOST is ${config.host}, reachable from other machines. The sandbox ` +
        'delivers webhooks to http and loopback/private URLs (a caller with an admin key can reach this network through it). ' +
        'Set PARLEY_ENV=production, or HOST=127.0.0.1 for local use.',
    );
  }
  if (adminTokenTooShort(config.adminToken)) {
    warnings.push(
      `WARNING: PARLEY_ADMIN_TOKEN is shorter than ${MIN_ADMIN_TOKEN_LENGTH} characters: it opens every order and the operator API. ` +
        'Use a long random one (openssl rand -hex 32); PARLEY_ENV=production refuses it.',
    );
  }
  return warnings;
}

/** What a developer needs after `npm start`: where it listens, the keys minted once, a ready curl. */
export function printStartBanner(parley: RunningParley, config: ParleyConfig): void {
  const base = parley.url.replace('0.0.0.0', '127.0.0.1');
  const lines = [
    '',
    `Parley is listening on ${base}`,
    `  database: ${describeDatabase(config.database)}`,
    `  OpenAPI:  ${base}/api/openapi.json`,
    `  Console:  ${base}/console (sign in with an API key or the admin key)`,
  ];
  const warnings = startWarnings(config);
  if (warnings.length > 0) lines.push('', '!'.repeat(72), ...warnings, '!'.repeat(72));
  const first = parley.firstStart;
  if (first?.adminToken) lines.push('', `Admin key (shown once, keep it): ${first.adminToken}`);
  if (first?.demo) {
    const demo = first.demo;
    const pending = demo.orders.find((o) => o.status === 'pending')!;
    const { account, item, currency } = demo.offers;
    const count = (n: number) => n.toLocaleString('en-US');
    // A configured PARLEY_ADMIN_TOKEN is not printed: the curl reads it from the shell.
    const adminAuth = first.adminToken ? `'Authorization: Bearer ${first.adminToken}'` : '"Authorization: Bearer $PARLEY_ADMIN_TOKEN"';
    lines.push(
      `Demo seller key (shown once): ${demo.sellerToken}`,
      `Demo buyer key  (shown once): ${demo.buyerToken}  (demo buyer id: ${demo.buyerId})`,
      'Demo offers (listed, the demo seller\'s):',
      `  account offer #${account.id}: ${account.title} (new format, instant delivery, ${count(account.stock)} credentials in stock)`,
      `  item offer #${item.id}: ${item.title} (${count(item.stock)} in stock)`,
      `  currency offer #${currency.id}: ${currency.title} (${count(currency.stock)} in stock, at least ${count(currency.min_quantity)} a purchase)`,
      `Demo account orders: ${demo.orders.map((o) => `#${o.id} ${o.status}`).join(', ')}`,
      `Demo item order: #${demo.itemOrder.id}, currency order: #${demo.currencyOrder.id} (pending)`,
      `Purchased by the demo buyer: account order #${demo.accountOrder.id}, item order #${demo.itemOrder.id}, currency order #${demo.currencyOrder.id}`,
      '',
      'Send a message as the seller:',
      `  curl -sS -X POST ${base}/v2/account-orders/${pending.id}/messages \\`,
      `    -H 'Authorization: Bearer ${demo.sellerToken}' \\`,
      `    -H 'Content-Type: application/json' -d '{"message": "Hello from Parley!"}'`,
      '',
      'Read the thread:',
      `  curl -sS ${base}/v2/account-orders/${pending.id}/messages -H 'Authorization: Bearer ${demo.sellerToken}'`,
      '',
      first.adminToken
        ? 'Buy the demo account offer as the demo buyer (admin API; the order arrives with its credentials):'
        : 'Buy the demo account offer as the demo buyer (admin API, with your PARLEY_ADMIN_TOKEN; the order arrives with its credentials):',
      `  curl -sS -X POST ${base}/admin/v1/account-offers/${account.id}/purchases \\`,
      `    -H ${adminAuth} \\`,
      `    -H 'Content-Type: application/json' -d '{"buyer_id": ${demo.buyerId}}'`,
    );
  } else if (!first) {
    lines.push('', 'Existing database: keys were printed on its first start. Mint new ones with the admin API (see README).');
  }
  process.stdout.write(`${lines.join('\n')}\n\n`);
}
