import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ForbiddenError } from '@app/errors';
import { TokenVerifier } from './token-verifier';

/**
 * With AUTH_JWKS_URL set, a request under `/{userUid}/` needs a valid bearer token whose subject
 * is that user (401 without one, 403 for another user's). It runs before the user-exists check,
 * so that nobody learns without a token which users exist. Without AUTH_JWKS_URL it lets all in.
 */
@Injectable()
export class UserTokenGuard implements CanActivate {
  constructor(private readonly verifier: TokenVerifier) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (!this.verifier.enabled) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest<{ Params: { userUid?: string } }>>();
    const subject = await this.verifier.subjectOf(request);
    const userUid = String(request.params.userUid);
    if (subject.toLowerCase() !== userUid.toLowerCase()) {
      throw new ForbiddenError(`This token is not for user '${userUid}'`);
    }
    return true;
  }
}
