import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiResponse } from '@nestjs/swagger';

export class ErrorResponse {
  @ApiProperty({ example: "Warranty not found for itemUid '…'" })
  message!: string;
}

const DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid input; the message names each bad field',
  401: 'With AUTH_JWKS_URL set: no valid bearer token (WWW-Authenticate: Bearer)',
  403: "With AUTH_JWKS_URL set: the token's subject is not this user",
  404: 'Not found',
  409: 'Conflicts with the current state; with Retry-After: the same request is still running',
  413: 'Request body larger than 1 MiB',
  422: 'An idempotency key used again for another request',
  429: 'With RATE_LIMIT_PER_MINUTE set: too many requests this minute (Retry-After)',
  503: 'A service this one needs is unavailable',
};

/** Documents the error answers of an endpoint; every one has the `{message}` body. */
export function ApiErrors(...statuses: (keyof typeof DESCRIPTIONS)[]): MethodDecorator {
  return applyDecorators(
    ...statuses.map((status) =>
      ApiResponse({ status, description: DESCRIPTIONS[status], type: ErrorResponse }),
    ),
  );
}
