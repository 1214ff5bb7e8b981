import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { UUID_PATTERN } from '@app/contracts';
import { BadRequestError } from '@app/errors';
import { UsersService } from './users.service';

/**
 * Every request under `/{userUid}/` first checks that the user exists (CONTRACT.md, store): an
 * unknown user is a 404 before the body is validated or anything else happens, and a malformed
 * userUid a 400.
 */
@Injectable()
export class UserExistsGuard implements CanActivate {
  constructor(private readonly users: UsersService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const userUid = String(
      context.switchToHttp().getRequest<FastifyRequest<{ Params: { userUid?: string } }>>().params.userUid,
    );
    if (!UUID_PATTERN.test(userUid)) throw new BadRequestError(`userUid must be a UUID, got '${userUid}'`);
    await this.users.assertExists(userUid.toLowerCase());
    return true;
  }
}
