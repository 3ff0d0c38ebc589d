/** A call that did not settle in time; what it was waiting for may still come, and is ignored. */
export class DeadlineError extends Error {
  override readonly name = 'DeadlineError';
}

/**
 * `work`, or a DeadlineError once `ms` have passed. node-redis's own command timeout stops
 * counting once a command is written to the socket, so a Redis that stops answering (SIGSTOP, a
 * dropped network path) would hold the caller forever: this bounds the whole round trip.
 */
export function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineError(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}
