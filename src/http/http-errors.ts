/** Errors only the HTTP layer raises. */
export class TooManyRequestsError extends Error {
  constructor(public readonly retryAfterSeconds: number) {
    super('Too many requests.');
  }
}

/**
 * A request Parley refuses to decode: a body that is not UTF-8, holds an unpaired surrogate or is
 * nested too deeply (400 with this message).
 */
export class MalformedRequestError extends Error {}
