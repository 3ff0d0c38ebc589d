/**
 * Domain failures. The HTTP layer maps each class to one status code and body;
 * nothing here knows about HTTP.
 */
export class DomainError extends Error {}

/** Why a key was refused: logged (never the key itself), never told to the client. */
export type AuthFailureReason = 'missing' | 'malformed' | 'unknown' | 'expired' | 'revoked';

export class UnauthenticatedError extends DomainError {
  constructor(readonly reason: AuthFailureReason = 'unknown') {
    super('Unauthenticated.');
  }
}

export class NotFoundError extends DomainError {
  constructor() {
    super('Resource not found.');
  }
}

export class ForbiddenError extends DomainError {
  constructor(message = 'This action is unauthorized.') {
    super(message);
  }
}

/**
 * A store refused a write because a unique value is already taken: a concurrent request got there
 * between the domain's check and the insert. The domain turns it into its own 422.
 */
export class DuplicateValueError extends Error {
  constructor(public readonly field: string) {
    super(`duplicate ${field}`);
  }
}

/** Field name -> messages, Laravel style (`filter.status`, `message`, ...). */
export type FieldErrors = Record<string, string[]>;

export class ValidationError extends DomainError {
  constructor(public readonly errors: FieldErrors) {
    super('The given data was invalid.');
  }

  static field(field: string, message: string): ValidationError {
    return new ValidationError({ [field]: [message] });
  }
}
