import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import type { Request } from 'express';
import { IDEMPOTENCY_KEY_HEADER, UUID_PATTERN } from '@app/contracts';
import { BadRequestError } from '@app/errors';

/**
 * The request's optional `Idempotency-Key` header: a UUID (any case, handed on in lower case),
 * `undefined` when absent; anything else is a 400.
 */
export const IdempotencyKey = createParamDecorator((_data: unknown, context: ExecutionContext) => {
  const value = context.switchToHttp().getRequest<Request>().headers[IDEMPOTENCY_KEY_HEADER.toLowerCase()];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !UUID_PATTERN.test(value)) {
    throw new BadRequestError(`${IDEMPOTENCY_KEY_HEADER} header must be a UUID`);
  }
  return value.toLowerCase();
});

/** Swagger: documents the optional header on an endpoint. */
export function ApiIdempotencyKey(): MethodDecorator {
  return ApiHeader({
    name: IDEMPOTENCY_KEY_HEADER,
    required: false,
    description:
      'UUID of this claim. A claim repeated with the same key answers the decision taken the first time ' +
      'instead of deciding again (safe retries).',
  });
}
