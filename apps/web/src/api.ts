/**
 * The store's public API as the pages use it: JSON in and out, the API's own message on an error,
 * and an Idempotency-Key on every write, so that a repeated click or a retry never does it twice.
 */
export const STORE_API = '/api/v1/store';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** The store's Retry-After: the same request may succeed later (409 "still running", 429). */
    readonly retryAfter?: string,
  ) {
    super(message);
  }
}

export interface Answer<T> {
  status: number;
  body: T;
}

export interface CallOptions {
  method?: 'GET' | 'POST' | 'DELETE';
  body?: unknown;
  /** Sent as `Idempotency-Key`; the same key for the same intent, a new one after an answer. */
  idempotencyKey?: string;
  /** Sent as a bearer token when the store requires one. */
  token?: string;
}

/** Resolves with the answer when it is 2xx; rejects with an ApiError carrying the API's message. */
export async function call<T>(path: string, options: CallOptions = {}): Promise<Answer<T>> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let response: Response;
  try {
    response = await fetch(path, {
      method: options.method ?? 'GET',
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
  } catch {
    throw new ApiError(0, 'The store cannot be reached');
  }
  const text = await response.text();
  const body: unknown = text ? parseJson(text) : undefined;
  if (!response.ok)
    throw new ApiError(
      response.status,
      messageOf(body) ?? `The store answered ${response.status}`,
      response.headers.get('retry-after') ?? undefined,
    );
  return { status: response.status, body: body as T };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function messageOf(body: unknown): string | undefined {
  const message = (body as { message?: unknown } | undefined)?.message;
  return typeof message === 'string' ? message : undefined;
}

/** A fresh idempotency key (UUIDs are within the contract's 1–255 visible characters). */
export function newKey(): string {
  return crypto.randomUUID();
}
