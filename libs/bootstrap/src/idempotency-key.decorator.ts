import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { IDEMPOTENCY_KEY_HEADER, UUID_PATTERN } from '@app/contracts';
import { BadRequestError } from '@app/errors';

/**
 * The optional `Idempotency-Key` header of an internal request: a UUID (any case, handed on in
 * lower case), `undefined` when absent; anything else is a 400.
 */
export const IdempotencyKey = createParamDecorator((_data: unknown, context: ExecutionContext) => {
  const value = context.switchToHttp().getRequest<FastifyRequest>().headers[
    IDEMPOTENCY_KEY_HEADER.toLowerCase()
  ];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !UUID_PATTERN.test(value)) {
    throw new BadRequestError(`${IDEMPOTENCY_KEY_HEADER} header must be a UUID`);
  }
  return value.toLowerCase();
});

const DESCRIPTIONS = {
  claim:
    'UUID of this claim. A claim repeated with the same key answers the decision taken the first time ' +
    'instead of deciding again (safe retries).',
  purchase:
    'UUID of this purchase. Repeated with the same key, a purchase that completed answers its order again ' +
    'instead of buying twice; one still running answers 409 with Retry-After; the key used for another ' +
    'purchase answers 422. A purchase that was rolled back (503) may be retried with the same key.',
  refund:
    'UUID of this refund. Repeated with the same key, a refund that committed answers 204 again instead of ' +
    '409 "already canceled"; the key used for the refund of another order answers 422.',
} as const;

/** Swagger: documents the optional header on an endpoint. */
export function ApiIdempotencyKey(kind: keyof typeof DESCRIPTIONS): MethodDecorator {
  return ApiHeader({ name: IDEMPOTENCY_KEY_HEADER, required: false, description: DESCRIPTIONS[kind] });
}
