import { applyDecorators, UseInterceptors } from '@nestjs/common';
import { ApiHeader, ApiResponse } from '@nestjs/swagger';
import { IDEMPOTENCY_KEY_HEADER } from '@app/contracts';
import { ErrorResponse } from '@app/errors';
import { IDEMPOTENT_REPLAYED_HEADER, IdempotencyInterceptor } from './idempotency.interceptor';

/** A store endpoint that takes an optional Idempotency-Key (CONTRACT.md, "Idempotent requests"). */
export function Idempotent(): MethodDecorator {
  return applyDecorators(
    UseInterceptors(IdempotencyInterceptor),
    ApiHeader({
      name: IDEMPOTENCY_KEY_HEADER,
      required: false,
      description:
        '1–255 visible ASCII characters, chosen by the client. The final answer of the first request with a ' +
        'key is kept (IDEMPOTENCY_TTL_HOURS, at least 24 h): the same request again gets it with ' +
        `\`${IDEMPOTENT_REPLAYED_HEADER}: true\` and nothing is done again. Not kept — send it again with the ` +
        'same key: 400, 409 with Retry-After (still running), 500 and 503.',
    }),
    ApiResponse({
      status: 409,
      description: 'A request with this Idempotency-Key is still running (with Retry-After)',
      type: ErrorResponse,
    }),
    ApiResponse({
      status: 422,
      description: 'This Idempotency-Key was used for another request',
      type: ErrorResponse,
    }),
  );
}
