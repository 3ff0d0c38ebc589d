import type { Command } from 'commander';
import { issueApiKey } from '../../domain/api-keys.js';
import { seedDemo } from '../../domain/demo-seed.js';
import { ensureAdminUser } from '../../domain/user-accounts.js';
import { CliError, EXIT } from '../exit-codes.js';
import { openOffline } from '../offline-store.js';
import { action, examples, output } from '../online.js';
import { paint, printLine } from '../output.js';
import { startProgress } from '../progress.js';

/** Seeds what `serve` seeds on a first start, into an empty database only. */
export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('seed the demo seller, buyer, games, offers and orders into an empty DATABASE_URL (offline); refuses a database with users')
    .addHelpText('after', examples('DATABASE_URL=demo.db parley demo', 'DATABASE_URL=demo.db parley demo --json > demo-keys.json'))
    .action(action(async (_options: unknown, command: Command) => {
      const db = await openOffline();
      try {
        const seeded = await db.locked(async () => {
          if ((await db.store.users.count()) > 0) return null;
          const progress = startProgress('seeding the demo data');
          try {
            const admin = await ensureAdminUser(db.store);
            const adminKey = db.config.adminToken === null ? await issueApiKey(db.store, admin.id, { name: 'issued by parley demo', expires_at: null }) : null;
            const demo = await seedDemo(db.store, { eurUsdRate: db.config.eurUsdRate });
            return { adminKey, demo };
          } finally {
            progress.done();
          }
        });
        if (!seeded) throw new CliError('the database is not empty (it has users): `parley demo` only seeds an empty one', EXIT.apiError);
        const { demo, adminKey } = seeded;
        const result = {
          admin_key: adminKey?.token ?? null,
          seller_key: demo.sellerToken,
          buyer_key: demo.buyerToken,
          buyer_id: demo.buyerId,
          offers: { account: demo.offers.account.id, item: demo.offers.item.id, currency: demo.offers.currency.id },
          orders: demo.orders.map((o) => ({ kind: o.kind, id: o.id, status: o.status })),
          purchased: { account: demo.accountOrder.id, item: demo.itemOrder.id, currency: demo.currencyOrder.id },
        };
        output(command, result, (r) => {
          if (r.admin_key) printLine(`Admin key (shown once, keep it): ${paint(r.admin_key, 'bold')}`);
          printLine(`Demo seller key (shown once): ${paint(r.seller_key, 'bold')}`);
          printLine(`Demo buyer key  (shown once): ${r.buyer_key}  (demo buyer id: ${r.buyer_id})`);
          printLine(`Demo offers: account #${r.offers.account}, item #${r.offers.item}, currency #${r.offers.currency}`);
          printLine(`Demo account orders: ${r.orders.filter((o) => o.kind === 'account').map((o) => `#${o.id} ${o.status}`).join(', ')}`);
          printLine(`Purchased by the demo buyer: account order #${r.purchased.account}, item order #${r.purchased.item}, currency order #${r.purchased.currency}`);
        });
      } finally {
        await db.close();
      }
    }));
}
