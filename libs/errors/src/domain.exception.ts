/**
 * What went wrong, independent of transport. The HTTP filter maps each code to a status;
 * a new code cannot be added without the compiler asking for its mapping.
 */
export enum ErrorCode {
  BAD_REQUEST = 'BAD_REQUEST',
  NOT_FOUND = 'NOT_FOUND',
  CONFLICT = 'CONFLICT',
  PAYLOAD_TOO_LARGE = 'PAYLOAD_TOO_LARGE',
  SERVICE_UNAVAILABLE = 'SERVICE_UNAVAILABLE',
}

/** An expected failure whose message is safe to show to the client. */
export class DomainException extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = DomainException.name;
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

export class BadRequestError extends DomainException {
  constructor(message: string) {
    super(ErrorCode.BAD_REQUEST, message);
  }
}

/** A service this one depends on is down, too slow, or behind an open circuit breaker. */
export class ServiceUnavailableError extends DomainException {
  constructor(readonly serviceName: string) {
    super(ErrorCode.SERVICE_UNAVAILABLE, `${serviceName} Service unavailable`);
  }
}
