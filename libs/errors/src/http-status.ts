import { HttpStatus } from '@nestjs/common';
import {
  BadRequestError,
  ConflictError,
  DomainException,
  ErrorCode,
  InProgressError,
  NotFoundError,
  PassedOnError,
  PayloadTooLargeError,
  UnauthenticatedError,
  UnprocessableError,
} from './domain.exception';

/** nginx's status for a request its client closed before the answer: logged, never received. */
const CLIENT_CLOSED_REQUEST = 499;

export function httpStatusOf(exception: DomainException): number {
  switch (exception.code) {
    case ErrorCode.BAD_REQUEST:
      return HttpStatus.BAD_REQUEST;
    case ErrorCode.UNAUTHENTICATED:
      return HttpStatus.UNAUTHORIZED;
    case ErrorCode.FORBIDDEN:
      return HttpStatus.FORBIDDEN;
    case ErrorCode.NOT_FOUND:
      return HttpStatus.NOT_FOUND;
    case ErrorCode.CONFLICT:
    case ErrorCode.IN_PROGRESS:
      return HttpStatus.CONFLICT;
    case ErrorCode.PAYLOAD_TOO_LARGE:
      return HttpStatus.PAYLOAD_TOO_LARGE;
    case ErrorCode.UNPROCESSABLE:
      return HttpStatus.UNPROCESSABLE_ENTITY;
    case ErrorCode.SERVICE_UNAVAILABLE:
      return HttpStatus.SERVICE_UNAVAILABLE;
    case ErrorCode.PASSED_ON:
      return exception instanceof PassedOnError ? exception.status : HttpStatus.INTERNAL_SERVER_ERROR;
    case ErrorCode.CLIENT_CLOSED_REQUEST:
      return CLIENT_CLOSED_REQUEST;
  }
}

/** Headers that go with an error answer: when to try again, how to authenticate. */
export function httpHeadersOf(exception: DomainException): Record<string, string> {
  if (exception.code === ErrorCode.IN_PROGRESS) {
    return { 'Retry-After': String(InProgressError.RETRY_AFTER_SECONDS) };
  }
  if (exception instanceof UnauthenticatedError) return { 'WWW-Authenticate': exception.challenge };
  return {};
}

const KNOWN_CLIENT_ERRORS = new Map<number, new (message: string) => DomainException>([
  [HttpStatus.BAD_REQUEST, BadRequestError],
  [HttpStatus.NOT_FOUND, NotFoundError],
  [HttpStatus.CONFLICT, ConflictError],
  [HttpStatus.PAYLOAD_TOO_LARGE, PayloadTooLargeError],
  [HttpStatus.UNPROCESSABLE_ENTITY, UnprocessableError],
]);

/**
 * The reverse mapping, for a client error another service answered with: the same domain error
 * with its message. A 409 with `Retry-After` is an identical request still running. Every 4xx is
 * an answer from a working service, so none of them counts against its circuit breaker.
 */
export function domainErrorFromStatus(
  status: number,
  message: string,
  headers: { retryAfter?: string } = {},
): DomainException {
  if (status === Number(HttpStatus.CONFLICT) && headers.retryAfter !== undefined)
    return new InProgressError(message);
  const Known = KNOWN_CLIENT_ERRORS.get(status);
  return Known ? new Known(message) : new PassedOnError(status, message);
}
