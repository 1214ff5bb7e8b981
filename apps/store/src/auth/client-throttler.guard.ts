import { ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import type { FastifyRequest } from 'fastify';
import { requestPath } from '@app/request-context';
import { TokenVerifier } from './token-verifier';

/** Operations and documentation are never rate-limited: probes and scrapes come every few seconds. */
const UNLIMITED = /^\/(manage|api-docs)(\/|-json|$)/;

/**
 * RATE_LIMIT_PER_MINUTE per client: the token's subject when the request carries a valid one,
 * else the client's address (`request.ip`, which honours TRUST_PROXY behind an ingress). Counted
 * in memory, per instance.
 */
@Injectable()
export class ClientThrottlerGuard extends ThrottlerGuard {
  @Inject(TokenVerifier) private readonly verifier!: TokenVerifier;

  protected override async getTracker(request: Record<string, unknown>): Promise<string> {
    const http = request as unknown as FastifyRequest;
    if (this.verifier.enabled && http.headers.authorization !== undefined) {
      const subject = await this.verifier.subjectOf(http).catch(() => undefined);
      if (subject !== undefined) return `user:${subject}`;
    }
    return `address:${http.ip ?? 'unknown'}`;
  }

  protected override shouldSkip(context: ExecutionContext): Promise<boolean> {
    return Promise.resolve(UNLIMITED.test(requestPath(context.switchToHttp().getRequest<FastifyRequest>())));
  }
}
