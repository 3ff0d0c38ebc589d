import type { Command } from 'commander';
import type { Message, OrderKind, Parley } from '../../../sdk/src/index.js';
import { action, clientOf, examples, globals, id, KIND_OPTION, kindOf, output } from '../online.js';
import { isoTime, paint, printLine } from '../output.js';

function formatMessage(m: Message): string {
  const who = m.type === 'system_message' ? paint('system', 'dim') : paint(m.sender.username, m.sender.is_admin ? 'yellow' : 'cyan');
  return `${paint(isoTime(m.sent_at), 'dim')} ${who}: ${m.text}`;
}

/**
 * Follows a thread: the stream is opened first (it starts with the next event), then the thread
 * is read for the last messages, so nothing sent in between is missed; messages are shown once,
 * by id, whichever brings them.
 */
async function tail(client: Parley, kind: OrderKind, orderId: number, options: { history: number; count?: number; json: boolean }): Promise<void> {
  const seen = new Set<string>();
  let printed = 0;
  /** Shows a message not shown yet; answers whether --count is reached. */
  const show = (m: Message, counts: boolean) => {
    if (seen.has(m.id)) return false;
    seen.add(m.id);
    if (options.json) process.stdout.write(`${JSON.stringify({ event: 'message', data: m })}\n`);
    else printLine(formatMessage(m));
    return counts && options.count !== undefined && ++printed >= options.count;
  };
  let opened!: () => void;
  const open = new Promise<void>((resolve) => (opened = resolve));
  const stream = client.streamMessages(kind, orderId, {
    onOpen: ({ reconnected }) => {
      if (reconnected) process.stderr.write(paint(`reconnected to ${kind} order #${orderId}\n`, 'dim', process.stderr));
      else opened();
    },
  });
  const first = stream.next();
  // A stream that fails to open rejects `first` before `open` settles.
  await Promise.race([open, first]);
  const thread = await client.listMessages(kind, orderId);
  const history = options.history > 0 ? thread.slice(-options.history) : [];
  for (const m of thread) if (!history.includes(m)) seen.add(m.id);
  for (const m of history) show(m, false);
  // Said once the history is out: everything sent from here on is printed live.
  process.stderr.write(paint(`following ${kind} order #${orderId}; Ctrl-C to stop\n`, 'dim', process.stderr));
  for (let next = await first; !next.done; next = await stream.next()) {
    const event = next.value;
    if (event.event === 'message') {
      if (show(event.data as Message, true)) break;
    } else if (event.event === 'reset') {
      // The stream lost its place: whatever came meanwhile is in the thread.
      if ((await client.listMessages(kind, orderId)).some((m) => show(m, true))) break;
    } else if (event.event === 'status') {
      if (options.json) process.stdout.write(`${JSON.stringify({ event: 'status', data: event.data })}\n`);
      else printLine(paint(`status: ${JSON.stringify(event.data)}`, 'dim'));
    }
  }
  await stream.return(undefined);
}

export function registerChat(program: Command): void {
  const chat = program.command('chat').description("an order's chat thread");
  chat
    .command('send')
    .description('send a message to the thread (POST /v2/{kind}-orders/{id}/messages; retried safely with an Idempotency-Key)')
    .argument('<order>', 'order id')
    .argument('<message>', 'the text')
    .option(...KIND_OPTION)
    .addHelpText('after', examples('parley chat send 12 "Delivered, please check your account"', 'parley chat send 4 "On my way" --kind item --json'))
    .action(action(async (orderId: string, message: string, options: { kind: string }, command: Command) => {
      const sent = await clientOf(command).sendMessage(kindOf(options.kind), id('order id', orderId), message);
      output(command, sent, (m) => printLine(formatMessage(m)));
    }));
  chat
    .command('list')
    .description('print the thread, oldest first (GET /v2/{kind}-orders/{id}/messages)')
    .argument('<order>', 'order id')
    .option(...KIND_OPTION)
    .addHelpText('after', examples('parley chat list 12', 'parley chat list 12 --json | jq -r ".[].text"'))
    .action(action(async (orderId: string, options: { kind: string }, command: Command) => {
      const thread = await clientOf(command).listMessages(kindOf(options.kind), id('order id', orderId));
      output(command, thread, (messages) => {
        for (const m of messages) printLine(formatMessage(m));
        if (messages.length === 0) printLine(paint('(no messages)', 'dim'));
      });
    }));
  chat
    .command('tail')
    .description('follow the thread live: the last messages, then each new one as it is sent (the message stream; resumes after a reconnect)')
    .argument('<order>', 'order id')
    .option(...KIND_OPTION)
    .option('--history <n>', 'how many earlier messages to print first', '10')
    .option('--count <n>', 'stop after this many new messages (default: follow until Ctrl-C)')
    .addHelpText('after', examples('parley chat tail 12', 'parley chat tail 12 --json --history 0 | jq -r .data.text'))
    .action(action(async (orderId: string, options: { kind: string; history: string; count?: string }, command: Command) => {
      await tail(clientOf(command), kindOf(options.kind), id('order id', orderId), {
        history: options.history === '0' ? 0 : id('--history', options.history),
        count: options.count === undefined ? undefined : id('--count', options.count),
        json: Boolean(globals(command).json),
      });
    }));
}
