/**
 * What `parley` exits with, for scripts (README, "Exit codes"). Commands that reach the API map
 * its answers here (src/cli/online.ts); offline commands map database failures the same way.
 */
export const EXIT = {
  ok: 0,
  /** The API (or, offline, the database) answered with an error: a 4xx/5xx, a refused seed. */
  apiError: 1,
  /** The command line or the configuration is wrong: unknown option, missing key or URL. */
  usage: 2,
  /** Nothing answered: the server (or database) is down or unreachable. */
  cannotConnect: 3,
  /** `webhooks listen`: the local URL could not be reached for an event (it goes on listening). */
  forwardFailed: 4,
  /** Stopped by Ctrl-C. */
  interrupted: 130,
} as const;

/** A failure the CLI reports in one line and exits with `exitCode`. */
export class CliError extends Error {
  constructor(message: string, readonly exitCode: number = EXIT.usage) {
    super(message);
  }
}
