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
  ];
  const warnings = startWarnings(config);
  if (warnings.length > 0) lines.push('', '!'.repeat(72), ...warnings, '!'.repeat(72));
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
