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
