/**
 * Domain failures. The HTTP layer maps each class to one status code and body;
 * nothing here knows about HTTP.
 */
export class DomainError extends Error {}

export class UnauthenticatedError extends DomainError {
  constructor() {
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
