import type { Command } from 'commander';
import { Parley, ParleyConnectionError, ParleyError } from '../../sdk/src/index.js';
import { VERSION } from '../server.js';
import { CliError, EXIT } from './exit-codes.js';
import { paint, printJson } from './output.js';

/** The options every command takes (set on the program, read with optsWithGlobals). */
export interface GlobalOptions {
  url?: string;
  key?: string;
  json?: boolean;
}

export const DEFAULT_URL = 'http://127.0.0.1:8080';

export function globals(command: Command): GlobalOptions {
  return command.optsWithGlobals() as GlobalOptions;
}

/** The SDK client for `--url`/`--key` (or PARLEY_URL/PARLEY_KEY). */
export function clientOf(command: Command): Parley {
  const options = globals(command);
  const key = options.key ?? process.env.PARLEY_KEY;
  if (!key) throw new CliError('no API key: pass --key or set PARLEY_KEY (an admin key for users, keys, orders create/status and webhooks)', EXIT.usage);
  return new Parley({ baseUrl: options.url ?? process.env.PARLEY_URL ?? DEFAULT_URL, token: key, userAgent: `parley-cli/${VERSION}` });
}

/** Says what went wrong on stderr (JSON with --json) and answers the exit code. */
export function reportError(error: unknown, json: boolean): number {
  if (error instanceof ParleyConnectionError) {
    if (json) process.stderr.write(`${JSON.stringify({ error: { status: 0, message: error.message } })}\n`);
    else process.stderr.write(`parley: ${error.message}\n`);
    return EXIT.cannotConnect;
  }
  if (error instanceof ParleyError) {
    if (json) {
      process.stderr.write(`${JSON.stringify({ error: { status: error.status, message: error.message, errors: error.errors, request_id: error.requestId } })}\n`);
    } else {
      const lines = [`parley: ${paint(String(error.status), 'red', process.stderr)} ${error.message}`];
      for (const [field, messages] of Object.entries(error.errors)) lines.push(`  ${field}: ${messages.join(' ')}`);
      if (error.requestId) lines.push(paint(`  request id: ${error.requestId}`, 'dim', process.stderr));
      process.stderr.write(`${lines.join('\n')}\n`);
    }
    return EXIT.apiError;
  }
  if (error instanceof CliError) {
    process.stderr.write(`parley: ${error.message}\n`);
    return error.exitCode;
  }
  process.stderr.write(`parley: ${(error as Error)?.stack ?? String(error)}\n`);
  return EXIT.apiError;
}

/**
 * Wraps a command's action: its failures become one line and the documented exit code. The
 * action gets its own Command last, as commander passes it.
 */
export function action<A extends unknown[]>(fn: (...args: [...A, Command]) => Promise<void>): (...args: unknown[]) => Promise<void> {
  return async (...args: unknown[]) => {
    const command = args.at(-1) as Command;
    try {
      await fn(...(args as [...A, Command]));
    } catch (error) {
      process.exitCode = reportError(error, Boolean(globals(command).json));
    }
  };
}

/** Prints the API's answer as JSON (--json) or through `human`. */
export function output<T>(command: Command, value: T, human: (value: T) => void): void {
  if (globals(command).json) printJson(value);
  else human(value);
}

/** A positive integer argument (an id), or a usage error naming it. */
export function id(name: string, value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new CliError(`${name} must be a positive integer, got "${value}"`, EXIT.usage);
  return Number(value);
}

/** `--help` text after the options: one or more examples. */
export function examples(...lines: string[]): string {
  return `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`;
}

const KINDS = ['account', 'item', 'currency'] as const;

/** `.option(...KIND_OPTION)`: which kind of order a command is about. */
export const KIND_OPTION = ['--kind <kind>', 'account, item or currency', 'account'] as const;

/** `--kind account|item|currency` (default account), checked. */
export function kindOf(value: string | undefined): (typeof KINDS)[number] {
  const kind = (value ?? 'account') as (typeof KINDS)[number];
  if (!KINDS.includes(kind)) throw new CliError(`--kind must be one of ${KINDS.join(', ')}, got "${value}"`, EXIT.usage);
  return kind;
}
