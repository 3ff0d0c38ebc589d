import type { Command } from 'commander';
import { describeDatabase } from '../start-banner.js';
import { openOffline } from '../offline-store.js';
import { action, examples, output } from '../online.js';
import { printLine } from '../output.js';

export function registerMigrate(program: Command): void {
  program
    .command('migrate')
    .description('apply pending database migrations to DATABASE_URL (offline; `serve` also does this on start)')
    .addHelpText('after', examples('DATABASE_URL=parley.db parley migrate', 'DATABASE_URL=postgres://parley@127.0.0.1/parley PARLEY_ENCRYPTION_KEY=... parley migrate --json'))
    .action(action(async (_options: unknown, command: Command) => {
      const db = await openOffline();
      try {
        output(command, { database: describeDatabase(db.config.database), applied: db.migrated }, (result) =>
          printLine(result.applied.length === 0
            ? `${result.database}: up to date`
            : `${result.database}: applied ${result.applied.length} migration(s): ${result.applied.join(', ')}`));
      } finally {
        await db.close();
      }
    }));
}
