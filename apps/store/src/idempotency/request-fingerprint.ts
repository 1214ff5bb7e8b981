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
