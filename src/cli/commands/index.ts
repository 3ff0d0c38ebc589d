import type { Command } from 'commander';
import { registerAdminKey } from './admin-key.js';
import { registerChat } from './chat.js';
import { registerDemo } from './demo.js';
import { registerKeys } from './keys.js';
import { registerMigrate } from './migrate.js';
import { registerOrders } from './orders.js';
import { registerUsers } from './users.js';
import { registerWebhooks } from './webhooks.js';

/** Every command group after `serve`: offline (database) ones first, then the API ones. */
export function registerCommands(program: Command): void {
  registerMigrate(program);
  registerAdminKey(program);
  registerDemo(program);
  registerUsers(program);
  registerKeys(program);
  registerOrders(program);
  registerChat(program);
  registerWebhooks(program);
}
