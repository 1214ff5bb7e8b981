import { createHash } from 'node:crypto';

/** The same JSON value with object keys in a fixed order, so that key order does not count. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

/**
 * What makes two requests "the same request" under one Idempotency-Key: method, path (UUIDs
 * match in any case) and body (as JSON, whatever its key order or spacing).
 */
export function requestFingerprint(method: string, path: string, body: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify([method.toUpperCase(), path.toLowerCase(), canonical(body ?? null)]))
    .digest('hex');
}

/** RFC 4122 name-based UUID (version 5) in this namespace, made up for the store's request keys. */
const NAMESPACE = Buffer.from('8f6b1c2a4d3e4f5a9b0c1d2e3f405162', 'hex');

/**
 * The UUID a client's key stands for in the calls the store makes for it (order's Idempotency-Key,
 * a claim's id): the same user and key give the same UUID, so a repeat of a request whose answer
 * was lost reaches the other services as the same request. Keys of different users never meet.
 */
export function downstreamKey(userUid: string, key: string): string {
  const hash = createHash('sha1').update(NAMESPACE).update(`${userUid.toLowerCase()}\n${key}`).digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
