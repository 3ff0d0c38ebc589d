import type { Command } from 'commander';
import type { CallParams } from '../../../sdk/src/index.js';
import { action, clientOf, examples, id, output } from '../online.js';
import { paint, printLine, printTable } from '../output.js';
import { registerListen } from './webhooks-listen.js';

interface Endpoint {
  id: number;
  url: string;
  events: string[];
  disabled?: boolean;
  description?: string | null;
  secret?: string;
}

const ENDPOINT_COLUMNS = [
  { header: 'id', value: (e: Endpoint) => e.id },
  { header: 'url', value: (e: Endpoint) => e.url },
  { header: 'events', value: (e: Endpoint) => e.events },
  { header: 'disabled', value: (e: Endpoint) => (e.disabled ? 'yes' : '') },
];

type TriggerTopic = CallParams<'triggerWebhookEvent'>['body']['topic'];

const topics = (list: string) => list.split(',').map((t) => t.trim()).filter((t) => t !== '');

export function registerWebhooks(program: Command): void {
  const webhooks = program.command('webhooks').description('webhook endpoints, local forwarding and sample events');
  const endpoints = webhooks.command('endpoints').description("a seller's webhook endpoints (admin key)");
  endpoints
    .command('list')
    .description("list a seller's endpoints (GET /admin/v1/users/{user}/webhook-endpoints)")
    .requiredOption('--user <id>', 'seller id')
    .addHelpText('after', examples('parley webhooks endpoints list --user 2'))
    .action(action(async (options: { user: string }, command: Command) => {
      const listed = await clientOf(command).call('adminListWebhookEndpoints', { path: { user: id('--user', options.user) } });
      output(command, listed, (r) => printTable(r.data as Endpoint[], ENDPOINT_COLUMNS));
    }));
  endpoints
    .command('create')
    .description('add an endpoint; its signing secret is printed once (POST /admin/v1/users/{user}/webhook-endpoints)')
    .argument('<url>', 'where deliveries are POSTed')
    .requiredOption('--user <id>', 'seller id')
    .requiredOption('--events <topics>', 'comma list of topics, e.g. order.message.created,order.status.updated')
    .option('--description <text>', 'a note for people')
    .addHelpText('after', examples('parley webhooks endpoints create https://shop.example/hooks --user 2 --events order.message.created'))
    .action(action(async (url: string, options: { user: string; events: string; description?: string }, command: Command) => {
      const created = await clientOf(command).call('adminCreateWebhookEndpoint', {
        path: { user: id('--user', options.user) },
        body: { url, events: topics(options.events) as never, description: options.description ?? null },
      });
      output(command, created, (r) => {
        printTable([r.data as Endpoint], ENDPOINT_COLUMNS);
        printLine(`signing secret (shown once): ${paint((r.data as Endpoint).secret ?? '', 'bold')}`);
      });
    }));
  endpoints
    .command('delete')
    .description('delete an endpoint; its pending deliveries stop (DELETE /admin/v1/webhook-endpoints/{endpoint})')
    .argument('<id>', 'endpoint id')
    .addHelpText('after', examples('parley webhooks endpoints delete 5'))
    .action(action(async (endpointId: string, _options: unknown, command: Command) => {
      await clientOf(command).call('adminDeleteWebhookEndpoint', { path: { endpoint: id('endpoint id', endpointId) } });
      output(command, { deleted: Number(endpointId) }, () => printLine(`endpoint #${endpointId} deleted`));
    }));
  endpoints
    .command('rotate')
    .description('rotate the signing secret; the old one keeps signing for the grace period (POST .../rotate-secret)')
    .argument('<id>', 'endpoint id')
    .option('--grace <seconds>', 'how long the old secret still signs (default: the server\'s, a day)')
    .addHelpText('after', examples('parley webhooks endpoints rotate 5', 'parley webhooks endpoints rotate 5 --grace 0 --json | jq -r .data.secret'))
    .action(action(async (endpointId: string, options: { grace?: string }, command: Command) => {
      const rotated = await clientOf(command).call('adminRotateWebhookSecret', {
        path: { endpoint: id('endpoint id', endpointId) },
        body: options.grace === undefined ? {} : { grace_period_seconds: options.grace === '0' ? 0 : id('--grace', options.grace) },
      });
      output(command, rotated, (r) => printLine(`endpoint #${r.data.id}: new signing secret (shown once): ${paint((r.data as Endpoint).secret ?? '', 'bold')}`));
    }));
  registerListen(webhooks);
  webhooks
    .command('trigger')
    .description("fire a sample event of a topic at the caller's endpoints (not the event stream `webhooks listen` follows), built from the caller's latest order (POST /v2/webhook-events)")
    .argument('<topic>', 'e.g. order.message.created, account.order.purchased, order.status.updated')
    .addHelpText('after', examples('parley webhooks trigger order.message.created', 'parley webhooks trigger account.order.purchased --json'))
    .action(action(async (topic: string, _options: unknown, command: Command) => {
      // The server checks the topic (a 422 lists what it takes).
      const triggered = await clientOf(command).call('triggerWebhookEvent', { body: { topic: topic as TriggerTopic } });
      output(command, triggered, (r) =>
        printLine(`${r.data.topic}: sample event ${r.data.event_id ?? ''} queued for ${r.data.endpoints} endpoint(s)`));
    }));
}
