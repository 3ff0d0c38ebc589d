/** Errors only the HTTP layer raises. */
export class TooManyRequestsError extends Error {
  constructor(public readonly retryAfterSeconds: number) {
    super('Too many requests.');
  }
}
