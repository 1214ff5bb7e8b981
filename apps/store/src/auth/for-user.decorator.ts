import { applyDecorators, UseGuards } from '@nestjs/common';
import { ApiBearerAuth } from '@nestjs/swagger';
import { UserExistsGuard } from '../users/user-exists.guard';
import { UserTokenGuard } from './user-token.guard';

/**
 * A controller whose routes are a user's (`/{userUid}/…`): the token for that user first (with
 * AUTH_JWKS_URL set), then the user's existence, before the body is looked at.
 */
export const ForUser = (): ClassDecorator =>
  applyDecorators(UseGuards(UserTokenGuard, UserExistsGuard), ApiBearerAuth());
