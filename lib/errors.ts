// Typed error classes shared by all stages; the API edge maps them to problem+json once.

/** Base class: every Roundup error has a stable machine-readable `code`. */
export class RoundupError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Input from a user or client was invalid (maps to HTTP 400). */
export class ValidationError extends RoundupError {
  readonly issues: string[];
  constructor(message: string, issues: string[] = [], options?: { cause?: unknown }) {
    super('validation', message, options);
    this.issues = issues;
  }
}

/** A requested record does not exist (maps to HTTP 404). */
export class NotFoundError extends RoundupError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('not_found', message, options);
  }
}

/** A write lost an optimistic-locking race or violated a state rule (maps to HTTP 409). */
export class ConflictError extends RoundupError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('conflict', message, options);
  }
}

/** Missing or bad credentials (maps to HTTP 401). */
export class AuthError extends RoundupError {
  constructor(message = 'A valid editor key is required', options?: { cause?: unknown }) {
    super('unauthorized', message, options);
  }
}

/** Valid credentials without the needed role (maps to HTTP 403). */
export class ForbiddenError extends RoundupError {
  constructor(message = 'This action needs a different role', options?: { cause?: unknown }) {
    super('forbidden', message, options);
  }
}

/** Configuration (environment or CDK context) could not be parsed or is inconsistent; raised at the edge on start-up. */
export class ConfigError extends RoundupError {
  /** Every problem found, one per setting, so one run reports all bad settings at once. */
  readonly problems: string[];
  constructor(message: string, problems: string[] = [], options?: { cause?: unknown }) {
    super('config', message, options);
    this.problems = problems;
  }
}

/** A file given as input is missing, unreadable or not what it should be (CLI exit status 3). */
export class InputError extends RoundupError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('input', message, options);
  }
}

/**
 * A service Roundup depends on (DynamoDB, SQS) did not answer usefully within the retry budget or the caller's
 * deadline (maps to HTTP 503 with Retry-After). Nothing is known to have been applied; retrying later is safe.
 */
export class UnavailableError extends RoundupError {
  /** Service and operation, e.g. `DynamoDB` and `GetItem`: string literals, so they survive minification. */
  readonly service: string;
  readonly operation: string;
  /** Attempts made, the first included. */
  readonly attempts?: number;
  constructor(service: string, operation: string, message: string, options?: { cause?: unknown; attempts?: number }) {
    super('unavailable', message, options);
    this.service = service;
    this.operation = operation;
    this.attempts = options?.attempts;
  }
}
