import { HttpStatus } from '@nestjs/common';
import {
  BadRequestError,
  ConflictError,
  DomainException,
  ErrorCode,
  NotFoundError,
} from './domain.exception';

export function httpStatusOf(code: ErrorCode): HttpStatus {
  switch (code) {
    case ErrorCode.BAD_REQUEST:
      return HttpStatus.BAD_REQUEST;
    case ErrorCode.NOT_FOUND:
      return HttpStatus.NOT_FOUND;
    case ErrorCode.CONFLICT:
      return HttpStatus.CONFLICT;
    case ErrorCode.PAYLOAD_TOO_LARGE:
      return HttpStatus.PAYLOAD_TOO_LARGE;
    case ErrorCode.SERVICE_UNAVAILABLE:
      return HttpStatus.SERVICE_UNAVAILABLE;
  }
}

/** The reverse mapping, for an error a callee answered with; undefined for unmapped statuses. */
export function domainErrorFromStatus(status: number, message: string): DomainException | undefined {
  switch (status) {
    case 400:
      return new BadRequestError(message);
    case 404:
      return new NotFoundError(message);
    case 409:
      return new ConflictError(message);
    default:
      return undefined;
  }
}
