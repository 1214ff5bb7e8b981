/**
 * The header that carries a warranty claim's id from store through order and warehouse to
 * warranty, so that a repeated claim answers the first decision instead of deciding again.
 */
export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';
