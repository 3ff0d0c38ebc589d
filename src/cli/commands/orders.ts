import type { Command } from 'commander';
import type { AnyOrder } from '../../../sdk/src/index.js';
import { action, clientOf, examples, id, KIND_OPTION, kindOf, output } from '../online.js';
import { isoTime, printLine, printTable, statusStyle, type Column } from '../output.js';

const ORDER_COLUMNS: Column<AnyOrder>[] = [
  { header: 'id', value: (o) => o.id },
  { header: 'status', value: (o) => o.status, style: (o) => statusStyle(o.status) },
  { header: 'title', value: (o) => o.title },
  { header: 'price (usd)', value: (o) => o.price_usd.format },
  { header: 'buyer', value: (o) => o.buyer.username },
  { header: 'created', value: (o) => isoTime(o.created_at) },
];

export function registerOrders(program: Command): void {
  const orders = program.command('orders').description('orders of each kind (the seller\'s own with a seller key; every one with an admin key)');
  orders
    .command('list')
    .description('list orders, newest first (GET /v2/{kind}-orders)')
    .option(...KIND_OPTION)
    .option('--status <statuses>', 'comma list: pending, in_delivery, delivered, refunded')
    .option('--page <n>', 'page number', '1')
    .option('--per-page <n>', '1 to 100', '15')
    .option('--all', 'every page, not just one')
    .addHelpText('after', examples('parley orders list --status pending', 'parley orders list --kind item --all --json | jq ".[].id"'))
    .action(action(async (options: { kind: string; status?: string; page: string; perPage: string; all?: boolean }, command: Command) => {
      const client = clientOf(command);
      const kind = kindOf(options.kind);
      const query = { 'filter[status]': options.status, per_page: id('--per-page', options.perPage) };
      if (options.all) {
        const every: AnyOrder[] = [];
        const ops = { account: 'listAccountOrders', item: 'listItemOrders', currency: 'listCurrencyOrders' } as const;
        for await (const order of client.paginate(ops[kind], { query })) every.push(order as AnyOrder);
        output(command, every, (rows) => printTable(rows, ORDER_COLUMNS));
        return;
      }
      const page = await client.listOrders(kind, { ...query, page: id('--page', options.page) });
      output(command, page, (r) => {
        printTable(r.data, ORDER_COLUMNS);
        printLine(`page ${r.meta.current_page} of ${r.meta.last_page} (${r.meta.total} orders)`);
      });
    }));
  orders
    .command('get')
    .description('show one order (GET /v2/{kind}-orders/{id})')
    .argument('<id>', 'order id')
    .option(...KIND_OPTION)
    .addHelpText('after', examples('parley orders get 12', 'parley orders get 3 --kind currency --json'))
    .action(action(async (orderId: string, options: { kind: string }, command: Command) => {
      const order = await clientOf(command).getOrder(kindOf(options.kind), id('order id', orderId));
      output(command, order, (o) => printTable([o], ORDER_COLUMNS));
    }));
  orders
    .command('create')
    .description('create an order as after a purchase (admin key; POST /admin/v1/{kind}-orders)')
    .option(...KIND_OPTION)
    .requiredOption('--seller <id>', 'seller user id')
    .requiredOption('--buyer <id>', 'buyer user id')
    .requiredOption('--game <id>', 'game id')
    .requiredOption('--title <title>', 'what was bought')
    .requiredOption('--price <amount>', 'the price, e.g. 12.50 (EUR for item and currency orders)')
    .addHelpText('after', examples('parley orders create --seller 2 --buyer 3 --game 1 --title "Gold account" --price 12.50'))
    .action(action(async (options: { kind: string; seller: string; buyer: string; game: string; title: string; price: string }, command: Command) => {
      const kind = kindOf(options.kind);
      const order = await clientOf(command).createOrder(kind, {
        seller_id: id('--seller', options.seller), buyer_id: id('--buyer', options.buyer), game_id: id('--game', options.game),
        title: options.title, [kind === 'account' ? 'price' : 'price_eur']: options.price,
      });
      output(command, order, (o) => printTable([o], ORDER_COLUMNS));
    }));
  orders
    .command('status')
    .description("move an order along its lifecycle (admin key; PATCH /admin/v1/{kind}-orders/{id}): pending -> in_delivery -> delivered, or refunded")
    .argument('<id>', 'order id')
    .argument('<status>', 'in_delivery, delivered or refunded')
    .option(...KIND_OPTION)
    .addHelpText('after', examples('parley orders status 12 in_delivery', 'parley orders status 12 delivered --json'))
    .action(action(async (orderId: string, status: string, options: { kind: string }, command: Command) => {
      const order = await clientOf(command).updateOrder(kindOf(options.kind), id('order id', orderId), { status });
      output(command, order, (o) => printTable([o], ORDER_COLUMNS));
    }));
}
