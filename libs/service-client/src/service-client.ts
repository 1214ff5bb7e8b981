import { Logger } from '@nestjs/common';
import { BrokenCircuitError, CircuitState } from 'cockatiel';
import { Pool } from 'undici';
import { describeError, DomainException, domainErrorFromStatus, ServiceUnavailableError } from '@app/errors';
import { BUDGET_HEADER, propagationHeaders, timeLeftMs } from '@app/request-context';
import { CallPolicy } from './call-policy';
import { BreakerState, CallObserver, CallOutcome, NO_CALL_OBSERVER } from './call-observer';
import { CallTimedOutError, exchange, HttpAnswer, HttpMethod } from './http-exchange';

export interface ServiceClientOptions {
  /** As in "<serviceName> Service unavailable". */
  serviceName: string;
  baseUrl: string;
  callPolicy: CallPolicy;
  /** Told about every call and breaker transition; the metrics' `target` label is the service key. */
  observer?: CallObserver;
}

export interface RequestOptions {
  headers?: Record<string, string>;
}

/** The callee answered 5xx: it is there but cannot serve, which counts as unavailable. */
export class DownstreamServerError extends Error {
  constructor(readonly status: number) {
    super(`answered ${status}`);
    this.name = DownstreamServerError.name;
  }
}

const UNAVAILABLE_MESSAGE = /^(.+) Service unavailable$/;

/** A call with less time than this left is not worth sending. */
const MIN_CALL_BUDGET_MS = 50;

/**
 * JSON over HTTP to one downstream service, through one keep-alive connection pool and one
 * resilience policy (circuit breaker + time-out). Outcomes are mapped to the contract: every
 * 4xx of the callee becomes the domain error of that status with the callee's message (an
 * answer, never a fault of the breaker), and its "<Other> Service unavailable" passes through as
 * such; refused connections, time-outs, other 5xx and an open breaker become "<Service> Service
 * unavailable" (503) at once: the fallback.
 */
export class ServiceClient {
  private readonly logger: Logger;
  private readonly pool: Pool;
  private readonly observer: CallObserver;
  private readonly target: string;

  constructor(private readonly options: ServiceClientOptions) {
    this.logger = new Logger(`${options.serviceName}Client`);
    this.pool = new Pool(options.baseUrl, { keepAliveTimeout: 10_000, connections: 64 });
    this.observer = options.observer ?? NO_CALL_OBSERVER;
    this.target = options.serviceName.toLowerCase();
    const { breaker } = options.callPolicy;
    const transition = (state: BreakerState, log: () => void) => {
      log();
      this.observer.breakerChanged(this.target, state);
    };
    this.observer.breakerChanged(this.target, 'closed');
    breaker.onBreak(() =>
      transition('open', () => this.logger.warn(`${options.serviceName} circuit breaker opened`)),
    );
    breaker.onHalfOpen(() =>
      transition('half-open', () =>
        this.logger.log(`${options.serviceName} circuit breaker half-open: trial call`),
      ),
    );
    breaker.onReset(() =>
      transition('closed', () => this.logger.log(`${options.serviceName} circuit breaker closed`)),
    );
  }

  get circuitState(): CircuitState {
    return this.options.callPolicy.breaker.state;
  }

  get<T>(path: string, options?: RequestOptions): Promise<T> {
    return this.request<T>('GET', path, undefined, options);
  }

  post<T>(path: string, body?: object, options?: RequestOptions): Promise<T> {
    return this.request<T>('POST', path, body, options);
  }

  delete(path: string, options?: RequestOptions): Promise<void> {
    return this.request<void>('DELETE', path, undefined, options);
  }

  /** A GET whose answer is not JSON (e.g. the Prometheus text of /manage/prometheus). */
  getText(path: string, options?: RequestOptions): Promise<string> {
    return this.request<string>('GET', path, undefined, options, (text) => text);
  }

  /** HTTP_TIMEOUT_MS, or less: what is left of the current request's deadline. */
  private budgetMs(): number {
    const left = timeLeftMs();
    const timeoutMs = this.options.callPolicy.timeoutMs;
    return left === undefined ? timeoutMs : Math.min(timeoutMs, Math.floor(left));
  }

  async close(): Promise<void> {
    await this.pool.close();
  }

  private async request<T>(
    method: HttpMethod,
    path: string,
    body: object | undefined,
    options: RequestOptions = {},
    parse: (text: string) => T = parseJson,
  ): Promise<T> {
    const started = performance.now();
    const observe = (outcome: CallOutcome) =>
      this.observer.called(this.target, outcome, (performance.now() - started) / 1000);
    const budgetMs = this.budgetMs();
    if (budgetMs < MIN_CALL_BUDGET_MS) {
      // The request that needs this call is past its deadline: its caller has given up.
      this.logger.warn(`${method} ${path} not sent: the request's deadline has passed`);
      throw new ServiceUnavailableError(this.options.serviceName);
    }
    const headers = { ...propagationHeaders(), ...options.headers, [BUDGET_HEADER]: String(budgetMs) };
    try {
      const result = await this.options.callPolicy.breaker.execute(() =>
        this.send<T>(method, path, body, headers, budgetMs, parse),
      );
      observe('success');
      return result;
    } catch (error) {
      observe(outcomeOf(error));
      if (error instanceof DomainException) throw error;
      if (!(error instanceof BrokenCircuitError)) {
        this.logger.warn(`${method} ${path} failed: ${describe(error)}`);
      }
      throw new ServiceUnavailableError(this.options.serviceName);
    }
  }

  /** One exchange, given up after `timeoutMs`; its answer mapped to a result or a domain error. */
  private async send<T>(
    method: HttpMethod,
    path: string,
    body: object | undefined,
    headers: Record<string, string>,
    timeoutMs: number,
    parse: (text: string) => T,
  ): Promise<T> {
    const answer = await exchange(
      this.pool,
      body === undefined
        ? { method, path, headers }
        : {
            method,
            path,
            headers: { ...headers, 'content-type': 'application/json' },
            body: JSON.stringify(body),
          },
      timeoutMs,
    );
    const { status, text } = answer;
    const dependency = status === 503 ? this.unavailableDependency(text) : undefined;
    if (dependency) throw new ServiceUnavailableError(dependency);
    if (status >= 500) throw new DownstreamServerError(status);
    if (status >= 400) throw this.clientError(answer);
    return parse(text);
  }

  /** The callee is up but a service behind it is not: its answer names that other service. */
  private unavailableDependency(text: string): string | undefined {
    const name = UNAVAILABLE_MESSAGE.exec(messageOf(text) ?? '')?.[1];
    return name !== undefined && name !== this.options.serviceName ? name : undefined;
  }

  /** A 4xx of the callee is an answer, not a fault: its status and message are passed on. */
  private clientError({ status, text, header }: HttpAnswer): DomainException {
    const message = messageOf(text) ?? `${this.options.serviceName} Service answered ${status}`;
    return domainErrorFromStatus(status, message, { retryAfter: header('retry-after') });
  }
}

function parseJson<T>(text: string): T {
  return (text ? JSON.parse(text) : undefined) as T;
}

function messageOf(text: string): string | undefined {
  try {
    const parsed = JSON.parse(text) as { message?: unknown };
    return typeof parsed.message === 'string' ? parsed.message : undefined;
  } catch {
    return undefined;
  }
}

function outcomeOf(error: unknown): CallOutcome {
  if (error instanceof BrokenCircuitError) return 'breaker_open';
  if (error instanceof CallTimedOutError) return 'timeout';
  if (error instanceof DownstreamServerError || error instanceof ServiceUnavailableError)
    return 'server_error';
  if (error instanceof DomainException) return 'client_error';
  return 'connection_error';
}

function describe(error: unknown): string {
  return error instanceof CallTimedOutError ? `timed out after ${error.timeoutMs} ms` : describeError(error);
}
