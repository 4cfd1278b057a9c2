/**
 * The one error hierarchy. Every failure a caller can cause is an AppError with a
 * stable machine-readable `code`; `errorResponse` in shared/kernel/http/responses.ts maps it
 * (and the few lower-layer errors that carry no status, like the store's InvalidCursorError)
 * to HTTP in one place. Anything that is not an AppError is our bug and becomes an opaque 500.
 */
export class AppError extends Error {
  /** Whether `message` may be shown to the caller (never true for 5xx). */
  public readonly expose: boolean;

  public constructor(
    public readonly statusCode: number,
    public readonly code: string,
    message: string,
    public readonly details?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
    this.expose = statusCode < 500;
  }
}

export class BadRequestError extends AppError {
  public constructor(code: string, message: string, details?: unknown) {
    super(400, code, message, details);
  }
}

export class ValidationError extends AppError {
  public constructor(message: string, details?: unknown) {
    super(400, 'VALIDATION_FAILED', message, details);
  }
}

export class UnauthorizedError extends AppError {
  public constructor(message = 'A valid bearer token is required', code = 'UNAUTHORIZED') {
    super(401, code, message);
  }
}

export class ForbiddenError extends AppError {
  public constructor(code = 'FORBIDDEN', message = 'You are not allowed to do this', details?: unknown) {
    super(403, code, message, details);
  }
}

export class NotFoundError extends AppError {
  public constructor(code: string, message: string) {
    super(404, code, message);
  }
}

export class ConflictError extends AppError {
  public constructor(code: string, message: string, details?: unknown) {
    super(409, code, message, details);
  }
}

export class PayloadTooLargeError extends AppError {
  public constructor(limitBytes: number) {
    super(413, 'PAYLOAD_TOO_LARGE', `The request body exceeds ${limitBytes} bytes`);
  }
}

export class UnsupportedMediaTypeError extends AppError {
  public constructor(message = 'The request body must be application/json') {
    super(415, 'UNSUPPORTED_MEDIA_TYPE', message);
  }
}

export class ServiceUnavailableError extends AppError {
  public constructor(code: string, message: string) {
    super(503, code, message);
  }
}

export class TooManyRequestsError extends AppError {
  public constructor(
    public readonly retryAfterSeconds: number,
    message = 'Too many requests: try again later',
    code = 'RATE_LIMITED',
    details?: unknown,
  ) {
    super(429, code, message, details);
  }
}
