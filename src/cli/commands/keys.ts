import type { Command } from 'commander';
import { action, clientOf, examples, id, output } from '../online.js';
import { isoTime, paint, printLine, printTable } from '../output.js';

export function registerKeys(program: Command): void {
  const keys = program.command('keys').description("users' API keys (admin key)");
  keys
    .command('create')
    .description("issue an API key for a user; the token is printed once (POST /admin/v1/users/{user}/api-keys)")
    .requiredOption('--user <id>', 'the user the key acts as')
    .option('--name <name>', 'what the key is for', 'issued by parley keys create')
    .option('--expires-at <unix>', 'Unix seconds after which the key stops working')
    .addHelpText('after', examples('parley keys create --user 2 --name bot', 'export PARLEY_KEY=$(parley keys create --user 2 --json | jq -r .data.token)'))
    .action(action(async (options: { user: string; name: string; expiresAt?: string }, command: Command) => {
      const issued = await clientOf(command).call('adminCreateApiKey', {
        path: { user: id('--user', options.user) },
        body: { name: options.name, expires_at: options.expiresAt === undefined ? null : id('--expires-at', options.expiresAt) },
      });
      output(command, issued, (r) => {
        printLine(`API key #${r.data.id} for user ${options.user} (shown once): ${paint(r.data.token, 'bold')}`);
        if (r.data.expires_at) printLine(`expires ${isoTime(r.data.expires_at)}`);
      });
    }));
  keys
    .command('list')
    .description("list a user's keys, revoked ones too, without their tokens (GET /admin/v1/users/{user}/api-keys)")
    .requiredOption('--user <id>', 'the user')
    .addHelpText('after', examples('parley keys list --user 2', 'parley keys list --user 2 --json | jq ".data[] | select(.revoked_at == null) | .id"'))
    .action(action(async (options: { user: string }, command: Command) => {
      const listed = await clientOf(command).call('adminListApiKeys', { path: { user: id('--user', options.user) } });
      output(command, listed, (r) => printTable(r.data, [
        { header: 'id', value: (k) => k.id },
        { header: 'name', value: (k) => k.name },
        { header: 'state', value: (k) => (k.revoked_at !== null ? 'revoked' : 'active'), style: (k) => (k.revoked_at !== null ? 'red' : 'green') },
        { header: 'created', value: (k) => isoTime(k.created_at) },
        { header: 'last used', value: (k) => isoTime(k.last_used_at) },
        { header: 'expires', value: (k) => isoTime(k.expires_at) },
      ]));
    }));
  keys
    .command('revoke')
    .description('revoke an API key at once (DELETE /admin/v1/api-keys/{key})')
    .argument('<id>', 'the key id (printed by keys create)')
    .addHelpText('after', examples('parley keys revoke 7'))
    .action(action(async (keyId: string, _options: unknown, command: Command) => {
      await clientOf(command).call('adminRevokeApiKey', { path: { key: id('key id', keyId) } });
      output(command, { revoked: Number(keyId) }, () => printLine(`API key #${keyId} revoked`));
    }));
}
