/**
 * The header that makes a request safe to repeat. Between the services it carries a UUID: a
 * warranty claim's id from store through order and warehouse to warranty, and a purchase's or a
 * refund's key from store to order. At the store it is the client's own key (1–255 visible ASCII
 * characters).
 */
export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';
