import { Logger } from '@nestjs/common';
import { IPolicy, TaskCancelledError } from 'cockatiel';
import { Pool } from 'undici';
import { DomainException, errorCodeOf, ServiceUnavailableError } from '@app/errors';

export type HttpMethod = 'GET' | 'POST' | 'DELETE';

export interface ServiceClientOptions {
  /** As in "<serviceName> Service unavailable". */
  serviceName: string;
  baseUrl: string;
  policy: IPolicy;
}

/** The callee answered 5xx: it is there but cannot serve, which counts as unavailable. */
export class DownstreamServerError extends Error {
  constructor(readonly status: number) {
    super(`answered ${status}`);
    this.name = DownstreamServerError.name;
  }
}

/**
 * JSON over HTTP to one downstream service, through one keep-alive connection pool and one
 * resilience policy. Outcomes are mapped to the contract: the callee's 400/404/409 become the
 * same domain errors with the callee's message; refused connections, time-outs and 5xx become
 * "<Service> Service unavailable" (503).
 */
export class ServiceClient {
  private readonly logger: Logger;
  private readonly pool: Pool;

  constructor(private readonly options: ServiceClientOptions) {
    this.logger = new Logger(`${options.serviceName}Client`);
    this.pool = new Pool(options.baseUrl, { keepAliveTimeout: 10_000, connections: 64 });
  }

  get<T>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }

  post<T>(path: string, body?: object): Promise<T> {
    return this.request<T>('POST', path, body);
  }

  delete(path: string): Promise<void> {
    return this.request<void>('DELETE', path);
  }

  async close(): Promise<void> {
    await this.pool.close();
  }

  private async request<T>(method: HttpMethod, path: string, body?: object): Promise<T> {
    try {
      return await this.options.policy.execute(({ signal }) => this.send<T>(method, path, body, signal));
    } catch (error) {
      if (error instanceof DomainException) throw error;
      this.logger.warn(`${method} ${path} failed: ${describe(error)}`);
      throw new ServiceUnavailableError(this.options.serviceName);
    }
  }

  private async send<T>(
    method: HttpMethod,
    path: string,
    body: object | undefined,
    signal: AbortSignal,
  ): Promise<T> {
    const response = await this.pool.request({
      method,
      path,
      signal,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.body.text();
    if (response.statusCode >= 500) throw new DownstreamServerError(response.statusCode);
    if (response.statusCode >= 400) throw this.clientError(response.statusCode, text);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** A 4xx of the callee is an answer, not a fault: pass its status and message on. */
  private clientError(status: number, text: string): Error {
    const message = messageOf(text) ?? `${this.options.serviceName} Service answered ${status}`;
    const code = errorCodeOf(status);
    return code
      ? new DomainException(code, message)
      : new Error(`${this.options.serviceName} Service answered ${status}: ${message}`);
  }
}

function messageOf(text: string): string | undefined {
  try {
    const parsed = JSON.parse(text) as { message?: unknown };
    return typeof parsed.message === 'string' ? parsed.message : undefined;
  } catch {
    return undefined;
  }
}

function describe(error: unknown): string {
  if (error instanceof TaskCancelledError) return 'timed out';
  return error instanceof Error ? error.message : String(error);
}
