import { IDEMPOTENCY_KEY_HEADER } from '@app/contracts';
import type { RequestOptions } from './service-client';

/**
 * The options that send an idempotency key to the callee as the `Idempotency-Key` header; none
 * when there is no key (the request then behaves as without the header).
 */
export function withIdempotencyKey(key: string | undefined): RequestOptions | undefined {
  return key === undefined ? undefined : { headers: { [IDEMPOTENCY_KEY_HEADER]: key } };
}
