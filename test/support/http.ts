export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are whatever the service sent */
export interface HttpResponse<T = any> {
  status: number;
  headers: Headers;
  /** The parsed JSON body; `undefined` when the body is empty. */
  body: T;
  /** The raw body text. */
  text: string;
}

export interface RequestOptions {
  /** Sent as JSON with `Content-Type: application/json`. */
  body?: unknown;
  /** Sent as is (malformed JSON, oversized bodies); `Content-Type: application/json` unless overridden. */
  rawBody?: string;
  headers?: Record<string, string>;
  timeoutMs?: number;
  /** Aborts the request (the client giving up), besides the time-out. */
  signal?: AbortSignal;
  /** Skip the JSON check below, for endpoints that are not JSON (e.g. Swagger UI). */
  notJson?: boolean;
}

/**
 * One HTTP request with a JSON body and a JSON answer. Every answer with a body is checked
 * against the contract's conventions — `Content-Type: application/json` exactly, and parseable
 * JSON — and a violation throws, so that every request of every test checks them.
 */
export async function httpRequest<T = any>(
  baseUrl: string,
  method: HttpMethod,
  path: string,
  options: RequestOptions = {},
): Promise<HttpResponse<T>> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  let payload: string | undefined = options.rawBody;
  if (options.body !== undefined) payload = JSON.stringify(options.body);
  if (payload !== undefined && !Object.keys(headers).some((name) => name.toLowerCase() === 'content-type')) {
    headers['content-type'] = 'application/json';
  }
  const what = `${method} ${baseUrl}${path}`;
  let response: Response;
  let text: string;
  try {
    response = await fetch(`${baseUrl}${path}`, {
      method,
      headers,
      body: payload,
      signal: AbortSignal.any([
        AbortSignal.timeout(options.timeoutMs ?? 30_000),
        ...(options.signal ? [options.signal] : []),
      ]),
    });
    text = await response.text();
  } catch (error) {
    const cause = error instanceof Error ? `${error.message} ${describeCause(error.cause)}` : String(error);
    throw new Error(`${what} failed: ${cause}`);
  }
  if (text === '' || options.notJson) {
    return { status: response.status, headers: response.headers, body: undefined as T, text };
  }
  const contentType = response.headers.get('content-type');
  if (contentType !== 'application/json') {
    throw new Error(
      `${what} answered ${response.status} with Content-Type '${contentType}', ` +
        `the contract says exactly 'application/json'. Body: ${text.slice(0, 500)}`,
    );
  }
  try {
    return { status: response.status, headers: response.headers, body: JSON.parse(text) as T, text };
  } catch {
    throw new Error(
      `${what} answered ${response.status} with a body that is not JSON: ${text.slice(0, 500)}`,
    );
  }
}

function describeCause(cause: unknown): string {
  if (cause === undefined) return '';
  return cause instanceof Error ? `(${cause.message})` : JSON.stringify(cause);
}

/** Requests to one service. */
export class HttpClient {
  constructor(readonly baseUrl: string) {}

  request<T = any>(method: HttpMethod, path: string, options?: RequestOptions): Promise<HttpResponse<T>> {
    return httpRequest<T>(this.baseUrl, method, path, options);
  }

  get<T = any>(path: string, options?: RequestOptions): Promise<HttpResponse<T>> {
    return this.request<T>('GET', path, options);
  }

  post<T = any>(path: string, body?: unknown, options?: RequestOptions): Promise<HttpResponse<T>> {
    return this.request<T>('POST', path, { ...options, body });
  }

  delete<T = any>(path: string, options?: RequestOptions): Promise<HttpResponse<T>> {
    return this.request<T>('DELETE', path, options);
  }
}
/* eslint-enable @typescript-eslint/no-explicit-any */
