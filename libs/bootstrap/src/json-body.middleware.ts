import { json, type RequestHandler } from 'express';
import { BadRequestError, DomainException, ErrorCode } from '@app/errors';

/** The contract's body limit: bodies over 1 MiB are answered 413. */
export const MAX_BODY_BYTES = 1024 * 1024;

interface BodyParserError {
  type?: string;
  message: string;
}

function toDomainError(error: BodyParserError): DomainException {
  if (error.type === 'entity.too.large') {
    return new DomainException(ErrorCode.PAYLOAD_TOO_LARGE, 'Request body is larger than 1 MiB');
  }
  if (error.type === 'entity.parse.failed') {
    return new BadRequestError(`Malformed JSON in request body: ${error.message}`);
  }
  return new BadRequestError(`Unreadable request body: ${error.message}`);
}

/** Parses JSON bodies and turns the parser's failures into domain errors with clear messages. */
export function jsonBody(): RequestHandler {
  const parse = json({ limit: MAX_BODY_BYTES });
  return (request, response, next) =>
    parse(request, response, (error?: unknown) =>
      next(error ? toDomainError(error as BodyParserError) : undefined),
    );
}
