#!/usr/bin/env -S node --max-semi-space-size=8 --initial-old-space-size=32 --heap-growing-percent=50
import { Command } from 'commander';
import { ConfigError, loadConfig } from '../config.js';
import { startParley, VERSION } from '../server.js';
import { registerCommands } from './commands/index.js';
import { EXIT } from './exit-codes.js';
import { examples } from './online.js';
import { printStartBanner } from './start-banner.js';

const program = new Command();
program.name('parley').description('Self-hostable GameBoost API v2 order chat').version(VERSION);
// Usage errors (unknown command or option, a missing argument) exit 2, as the README documents;
// --help and --version exit 0. Subcommands inherit this.
program.exitOverride((error) => process.exit(error.exitCode === 0 ? EXIT.ok : EXIT.usage));
program
  .option('--url <url>', 'the Parley server (default PARLEY_URL or http://127.0.0.1:8080)')
  .option('--key <key>', 'API key (default PARLEY_KEY)')
  .option('--json', 'print JSON for scripts instead of tables')
  .addHelpText('after', `${examples('parley serve', 'DATABASE_URL=parley.db parley admin-key create', 'parley --key $PARLEY_KEY orders list --status pending', 'parley webhooks listen --forward-to http://localhost:3000/hook')}
Exit codes: 0 ok, 1 the API answered an error, 2 usage, 3 cannot connect, 4 listen could not reach --forward-to, 130 interrupted.
`);

program
  .command('serve', { isDefault: true })
  .description('migrate the database, seed it when empty, and serve the API (configured by environment, see README)')
  .addHelpText('after', examples('parley serve', 'DATABASE_URL=postgres://parley@127.0.0.1/parley PARLEY_ENCRYPTION_KEY=$(openssl rand -hex 32) parley serve'))
  .action(async () => {
    let config;
    try {
      config = loadConfig();
    } catch (error) {
      if (error instanceof ConfigError) {
        process.stderr.write(`parley: ${error.message}\n`);
        process.exit(2);
      }
      throw error;
    }
    let parley;
    try {
      parley = await startParley(config);
    } catch (error) {
      // Start-up failures (a database or Redis that does not answer, a port in use) are the
      // operator's to fix: one clear line, no stack trace.
      process.stderr.write(`parley: ${(error as Error).message}\n`);
      process.exit(1);
    }
    printStartBanner(parley, config);
    const stop = async () => {
      await parley.close();
      process.exit(0);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });

registerCommands(program);

await program.parseAsync();
