import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { DOWNSTREAM_KEY, KeyedRequest } from './idempotency.interceptor';

/**
 * The UUID that stands for the client's Idempotency-Key in the calls this request makes (see
 * `downstreamKey`); undefined when the request came without a key.
 */
export const RequestKey = createParamDecorator(
  (_data: unknown, context: ExecutionContext): string | undefined =>
    context.switchToHttp().getRequest<KeyedRequest>()[DOWNSTREAM_KEY],
);
