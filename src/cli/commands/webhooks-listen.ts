import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import { deliveryHeaders } from '../../webhooks/signer.js';
import { CliError, EXIT } from '../exit-codes.js';
import { action, clientOf, examples, globals, id } from '../online.js';
import { isoTime, paint, printLine, statusStyle } from '../output.js';

/** A Standard Webhooks secret: `whsec_` and 24 random bytes in base64 (the signer takes either form). */
export function newListenSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

/**
 * The stream's sequence as a delivery id of the real ones' shape (`evt_` and 26 characters), so
 * a receiver that de-duplicates by webhook-id sees a replayed event as the same one.
 */
export function listenEventId(sequence: string | null): string {
  return `evt_${(sequence ?? '0').replace(/[^0-9A-Z]/gi, '').toUpperCase().padStart(26, '0').slice(-26)}`;
}

/** The system's code for a failed fetch (ECONNREFUSED, ...) found among its causes; else the innermost message. */
function reasonOf(error: unknown): string {
  if ((error as Error).name === 'TimeoutError') return 'timed out';
  let reason = (error as Error).message;
  for (let e = error as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown[] } | undefined; e; e = (e.cause ?? e.errors?.[0]) as typeof e) {
    if (typeof e.code === 'string') return e.code;
    if (typeof e.message === 'string' && e.message !== '') reason = e.message;
  }
  return reason;
}

interface Forwarded {
  topic: string;
  event_id: string;
  status: number;
  ms: number;
  error?: string;
}

/** POSTs one event to the local URL signed as Parley signs deliveries; never throws. */
async function forward(url: string, secret: string, topic: string, sequence: string | null, payloadJson: string, timeoutMs: number): Promise<Forwarded> {
  // The body as Parley sends it: compact, `event` then `payload`, the payload's JSON as the stream carried it.
  const body = `{"event":${JSON.stringify(topic)},"payload":${payloadJson}}`;
  const eventId = listenEventId(sequence);
  const headers = deliveryHeaders({ eventId, topic, body, timestamp: Math.floor(Date.now() / 1000), secrets: [secret] });
  const started = performance.now();
  try {
    const response = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(timeoutMs) });
    await response.body?.cancel();
    return { topic, event_id: eventId, status: response.status, ms: Math.round(performance.now() - started) };
  } catch (error) {
    return { topic, event_id: eventId, status: 0, ms: Math.round(performance.now() - started), error: reasonOf(error) };
  }
}

export function registerListen(webhooks: Command): void {
  webhooks
    .command('listen')
    .description("receive the caller's webhook events without a public URL (like `stripe listen`): each event of the event stream is POSTed to --forward-to, signed exactly as Parley signs deliveries (GameBoost Signature and Standard Webhooks headers) with the secret printed at start")
    .requiredOption('--forward-to <url>', 'local URL to POST each event to, e.g. http://localhost:3000/hook')
    .option('--events <topics>', 'comma list of topics (default: all)')
    .option('--secret <secret>', 'sign with this secret instead of a new one (keep your app\'s config across runs); also PARLEY_LISTEN_SECRET')
    .option('--timeout <ms>', 'how long the local URL may take', '10000')
    .option('--count <n>', 'stop after forwarding this many events (default: until Ctrl-C)')
    .addHelpText('after', examples(
      'parley webhooks listen --forward-to http://localhost:3000/hook',
      'parley webhooks listen --forward-to http://localhost:3000/hook --events order.message.created,order.status.updated',
      'PARLEY_LISTEN_SECRET=whsec_... parley webhooks listen --forward-to http://localhost:3000/hook --json',
    ))
    .action(action(async (options: { forwardTo: string; events?: string; secret?: string; timeout: string; count?: string }, command: Command) => {
      let target: URL;
      try {
        target = new URL(options.forwardTo);
      } catch {
        throw new CliError(`--forward-to must be a URL, got "${options.forwardTo}"`, EXIT.usage);
      }
      const json = Boolean(globals(command).json);
      const client = clientOf(command);
      const secret = options.secret ?? process.env.PARLEY_LISTEN_SECRET ?? newListenSecret();
      const topics = options.events?.split(',').map((t) => t.trim()).filter((t) => t !== '');
      const timeoutMs = id('--timeout', options.timeout);
      const count = options.count === undefined ? undefined : id('--count', options.count);
      // "Ready" once the server has accepted the stream: events from then on are forwarded.
      const ready = ({ reconnected }: { reconnected: boolean }) => {
        if (reconnected) {
          process.stderr.write(paint('reconnected; events missed meanwhile are forwarded now\n', 'dim', process.stderr));
        } else if (json) {
          process.stdout.write(`${JSON.stringify({ ready: true, secret, forward_to: target.href, topics: topics ?? null })}\n`);
        } else {
          printLine(`Ready! Your webhook signing secret is ${paint(secret, 'bold')}`);
          printLine(paint(`Forwarding ${topics?.join(', ') ?? 'every topic'} to ${target.href} (Ctrl-C to stop)`, 'dim'));
        }
      };
      let forwarded = 0;
      let failures = 0;
      for await (const event of client.streamEvents({ topics, onOpen: ready })) {
        const result = await forward(target.href, secret, event.event, event.id, event.raw, timeoutMs);
        if (result.status === 0) failures++;
        if (json) process.stdout.write(`${JSON.stringify(result)}\n`);
        else {
          const answer = result.status === 0 ? `failed (${result.error})` : `[${result.status}]`;
          printLine(`${paint(isoTime(Math.floor(Date.now() / 1000)), 'dim')}  --> ${result.topic} [${result.event_id}]  <-- ${paint(answer, statusStyle(result.status))} ${paint(`${result.ms} ms`, 'dim')}`);
        }
        if (count !== undefined && ++forwarded >= count) break;
      }
      if (failures > 0) process.exitCode = EXIT.forwardFailed;
    }));
}
