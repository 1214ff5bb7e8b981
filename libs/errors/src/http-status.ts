import { HttpStatus } from '@nestjs/common';
import { ErrorCode } from './domain.exception';

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

/** The reverse mapping, for errors a callee answered with. */
export function errorCodeOf(status: number): ErrorCode | undefined {
  switch (status) {
    case 400:
      return ErrorCode.BAD_REQUEST;
    case 404:
      return ErrorCode.NOT_FOUND;
    case 409:
      return ErrorCode.CONFLICT;
    default:
      return undefined;
  }
}
