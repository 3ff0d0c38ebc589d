import type { Command } from 'commander';
import { action, clientOf, examples, output } from '../online.js';
import { printTable } from '../output.js';

export function registerUsers(program: Command): void {
  const users = program.command('users').description('users of the marketplace (admin key)');
  users
    .command('create')
    .description('create a seller, buyer or admin (POST /admin/v1/users)')
    .argument('<username>', 'the new user\'s username')
    .option('--role <role>', 'seller, buyer or admin', 'seller')
    .addHelpText('after', examples('parley users create shop-42 --role seller', 'parley users create alice --role buyer --json | jq .data.id'))
    .action(action(async (username: string, options: { role: string }, command: Command) => {
      const created = await clientOf(command).call('adminCreateUser', { body: { username, role: options.role as 'seller' } });
      output(command, created, (r) => printTable([r.data], [
        { header: 'id', value: (u) => u.id },
        { header: 'username', value: (u) => u.username },
        { header: 'role', value: (u) => u.role },
      ]));
    }));
}
