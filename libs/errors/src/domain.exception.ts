/**
 * What went wrong, independent of transport. The HTTP filter maps each code to a status;
 * a new code cannot be added without the compiler asking for its mapping.
 */
export enum ErrorCode {
  BAD_REQUEST = 'BAD_REQUEST',
  /** No credentials, or credentials that prove nothing (a bad, expired or foreign token). */
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  /** Who the caller is is known, and this is not theirs. */
  FORBIDDEN = 'FORBIDDEN',
  NOT_FOUND = 'NOT_FOUND',
  CONFLICT = 'CONFLICT',
  /** The same request (same idempotency key) is still being worked on: try again later. */
  IN_PROGRESS = 'IN_PROGRESS',
  PAYLOAD_TOO_LARGE = 'PAYLOAD_TOO_LARGE',
  /** Well-formed, but it cannot be processed as asked (an idempotency key reused for another request). */
  UNPROCESSABLE = 'UNPROCESSABLE',
  SERVICE_UNAVAILABLE = 'SERVICE_UNAVAILABLE',
  /** Another service answered with a client error this one has no code for: passed on as it came. */
  PASSED_ON = 'PASSED_ON',
  /** The client went away before its answer was ready: the work is dropped, nobody is answered. */
  CLIENT_CLOSED_REQUEST = 'CLIENT_CLOSED_REQUEST',
}

/** An expected failure whose message is safe to show to the client. */
export class DomainException extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/**
 * 401 with a `WWW-Authenticate` challenge (RFC 6750): `Bearer` when no token came, with
 * `error="invalid_token"` when one came and was refused.
 */
export class UnauthenticatedError extends DomainException {
  readonly challenge: string;

  constructor(message: string, { tokenPresented }: { tokenPresented: boolean }) {
    super(ErrorCode.UNAUTHENTICATED, message);
    this.challenge = tokenPresented ? 'Bearer error="invalid_token"' : 'Bearer';
  }
}

export class ForbiddenError extends DomainException {
  constructor(message: string) {
    super(ErrorCode.FORBIDDEN, message);
  }
}

export class NotFoundError extends DomainException {
  constructor(message: string) {
    super(ErrorCode.NOT_FOUND, message);
  }
}

export class ConflictError extends DomainException {
  constructor(message: string) {
    super(ErrorCode.CONFLICT, message);
  }
}

/** 409 with `Retry-After`: the request is fine, but an identical one is running right now. */
export class InProgressError extends DomainException {
  /** Seconds after which a retry is likely to find the first request finished. */
  static readonly RETRY_AFTER_SECONDS = 1;

  constructor(message: string) {
    super(ErrorCode.IN_PROGRESS, message);
  }
}

export class BadRequestError extends DomainException {
  constructor(message: string) {
    super(ErrorCode.BAD_REQUEST, message);
  }
}

export class UnprocessableError extends DomainException {
  constructor(message: string) {
    super(ErrorCode.UNPROCESSABLE, message);
  }
}

export class PayloadTooLargeError extends DomainException {
  constructor(message: string) {
    super(ErrorCode.PAYLOAD_TOO_LARGE, message);
  }
}

/** The client closed its request before the work for it began: the work is not done (499). */
export class ClientClosedRequestError extends DomainException {
  constructor(message: string) {
    super(ErrorCode.CLIENT_CLOSED_REQUEST, message);
  }
}

/** A service this one depends on is down, too slow, or behind an open circuit breaker. */
export class ServiceUnavailableError extends DomainException {
  constructor(readonly serviceName: string) {
    super(ErrorCode.SERVICE_UNAVAILABLE, `${serviceName} Service unavailable`);
  }
}

/** This service's own database cannot be reached (restarting, shutting down, gone). */
export class DatabaseUnavailableError extends DomainException {
  constructor(serviceName: string) {
    super(ErrorCode.SERVICE_UNAVAILABLE, `${serviceName} database unavailable`);
  }
}

/** Another service's answer with a 4xx status this one has no code for, kept as it came. */
export class PassedOnError extends DomainException {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(ErrorCode.PASSED_ON, message);
  }
}
