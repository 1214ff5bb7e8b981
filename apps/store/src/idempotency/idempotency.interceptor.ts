import { CallHandler, ExecutionContext, Injectable, Logger, NestInterceptor } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { requestPath } from '@app/request-context';
import { from, lastValueFrom, Observable } from 'rxjs';
import { IDEMPOTENCY_KEY_HEADER } from '@app/contracts';
import { BadRequestError, describeError, DomainException, ErrorCode, httpStatusOf } from '@app/errors';
import { IdempotencyRecords, StoredAnswer } from './idempotency-records';
import { requestFingerprint } from './request-fingerprint';

export const IDEMPOTENT_REPLAYED_HEADER = 'Idempotent-Replayed';

/** 1–255 visible ASCII characters (CONTRACT.md). */
const CLIENT_KEY = /^[\x21-\x7e]{1,255}$/;

/** Where the interceptor leaves the downstream key for the handler (see `RequestKey`). */
export const DOWNSTREAM_KEY = Symbol('downstreamKey');

export type KeyedRequest = FastifyRequest<{ Params: { userUid?: string } }> & { [DOWNSTREAM_KEY]?: string };

/**
 * What becomes of the key when the request failed:
 * - `keep`: a client error that says what the request came to (404, 409, 422, …) is its answer;
 * - `forget`: a 400 (or 401, 403) was refused before anything started — fixed, it may go again under the key;
 * - `release`: no answer to keep — a 503 (rolled back), a 409 "still running", an unexpected
 *   500 — the same request again takes the key over under the same downstream key. (A request
 *   its client closed is only ever an order list, which takes no key: listed for completeness.)
 */
function onFailure(error: unknown): { keep: StoredAnswer } | 'forget' | 'release' {
  if (!(error instanceof DomainException)) return 'release';
  switch (error.code) {
    case ErrorCode.NOT_FOUND:
    case ErrorCode.CONFLICT:
    case ErrorCode.UNPROCESSABLE:
    case ErrorCode.PAYLOAD_TOO_LARGE:
    case ErrorCode.PASSED_ON:
      return { keep: { status: httpStatusOf(error), body: { message: error.message } } };
    case ErrorCode.BAD_REQUEST:
    case ErrorCode.UNAUTHENTICATED:
    case ErrorCode.FORBIDDEN:
      return 'forget';
    case ErrorCode.IN_PROGRESS:
    case ErrorCode.SERVICE_UNAVAILABLE:
    case ErrorCode.CLIENT_CLOSED_REQUEST:
      return 'release';
  }
}

function clientKeyOf(request: FastifyRequest): string | undefined {
  const value = request.headers[IDEMPOTENCY_KEY_HEADER.toLowerCase()];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !CLIENT_KEY.test(value)) {
    throw new BadRequestError(`${IDEMPOTENCY_KEY_HEADER} must be 1 to 255 visible ASCII characters`);
  }
  return value;
}

/**
 * The store's idempotent requests (CONTRACT.md, "Idempotent requests"): with an Idempotency-Key,
 * the first request runs and its final answer is kept; the same request again gets that answer
 * with `Idempotent-Replayed: true`; the same key for another request is a 422, and while the
 * first still runs a 409. Without the header nothing changes. Runs after the user check (a guard),
 * so keys are kept only for users that exist.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly logger = new Logger('Idempotency');

  constructor(private readonly records: IdempotencyRecords) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<KeyedRequest>();
    const key = clientKeyOf(request);
    if (key === undefined) return next.handle();
    const response = context.switchToHttp().getResponse<FastifyReply>();
    return from(this.handle(request, response, key, next));
  }

  private async handle(
    request: KeyedRequest,
    response: FastifyReply,
    key: string,
    next: CallHandler,
  ): Promise<unknown> {
    const userUid = String(request.params.userUid).toLowerCase(); // checked by UserExistsGuard
    const fingerprint = requestFingerprint(request.method, requestPath(request), request.body);
    const begun = await this.records.begin(userUid, key, fingerprint);
    if (begun.kind === 'replay') return replay(response, begun.answer);

    const { lease } = begun;
    request[DOWNSTREAM_KEY] = lease.downstreamKey;
    let body: unknown;
    try {
      body = await lastValueFrom(next.handle(), { defaultValue: undefined });
    } catch (error) {
      const outcome = onFailure(error);
      await this.settle(userUid, key, () => {
        if (outcome === 'forget') return this.records.forget(userUid, key, lease);
        if (outcome === 'release') return this.records.release(userUid, key, lease);
        return this.records.finish(userUid, key, lease, outcome.keep);
      });
      throw error;
    }
    const location = response.getHeader('location');
    const answer = {
      status: response.statusCode,
      body,
      location: typeof location === 'string' ? location : undefined,
    };
    await this.settle(userUid, key, () => this.records.finish(userUid, key, lease, answer));
    return body;
  }

  /**
   * If the store's database fails now, the record stays RUNNING until its lease runs out; a
   * repeat then takes it over, harmlessly (same downstream key).
   */
  private async settle(userUid: string, key: string, settle: () => Promise<void>): Promise<void> {
    try {
      await settle();
    } catch (error) {
      this.logger.warn(`Idempotency-Key of user ${userUid} not settled: ${describeError(error)}`);
    }
  }
}

function replay(response: FastifyReply, answer: StoredAnswer): unknown {
  response.status(answer.status);
  response.header(IDEMPOTENT_REPLAYED_HEADER, 'true');
  if (answer.location) response.header('Location', answer.location);
  return answer.body;
}
