#!/usr/bin/env -S node --max-semi-space-size=8 --initial-old-space-size=32
import { Command } from 'commander';
import { ConfigError, loadConfig } from '../config.js';
import { startParley, VERSION } from '../server.js';
import { printStartBanner } from './start-banner.js';

const program = new Command();
program.name('parley').description('Self-hostable GameBoost API v2 order chat').version(VERSION);

program
  .command('serve', { isDefault: true })
  .description('migrate the database, seed it when empty, and serve the API (configured by environment, see README)')
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

await program.parseAsync();
