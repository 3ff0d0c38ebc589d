import type { Command } from 'commander';
import { issueApiKey } from '../../domain/api-keys.js';
import { ensureAdminUser } from '../../domain/user-accounts.js';
import { openOffline } from '../offline-store.js';
import { action, examples, output } from '../online.js';
import { paint, printLine } from '../output.js';

/** The way back in when the admin key printed on first start is lost: a new one, straight into the database. */
export function registerAdminKey(program: Command): void {
  const group = program.command('admin-key').description('operator access on the database itself (offline)');
  group
    .command('create')
    .description('issue a new admin API key on DATABASE_URL (works with the server stopped); the key is printed once')
    .option('--name <name>', 'what the key is for', 'issued by parley admin-key create')
    .addHelpText('after', examples('DATABASE_URL=parley.db parley admin-key create', 'DATABASE_URL=parley.db parley admin-key create --name ci --json | jq -r .token'))
    .action(action(async (options: { name: string }, command: Command) => {
      const db = await openOffline();
      try {
        const issued = await db.locked(async () => {
          const admin = await ensureAdminUser(db.store);
          return issueApiKey(db.store, admin.id, { name: options.name, expires_at: null });
        });
        output(command, { id: issued.key.id, name: issued.key.name, user_id: issued.key.user_id, token: issued.token }, (key) => {
          printLine(`Admin key #${key.id} (shown once, keep it): ${paint(key.token, 'bold')}`);
          printLine(paint('Revoke a lost one with: parley keys revoke <id> --key <this key>', 'dim'));
        });
      } finally {
        await db.close();
      }
    }));
}
