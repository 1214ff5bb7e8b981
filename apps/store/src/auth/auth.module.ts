import { DynamicModule, Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { StoreConfig } from '../store.config';
import { ClientThrottlerGuard } from './client-throttler.guard';
import { TokenVerifier } from './token-verifier';
import { UserTokenGuard } from './user-token.guard';

/**
 * The gateway's security (CONTRACT.md, "Security"; all of it off by default): bearer tokens for
 * the per-user routes (UserTokenGuard, used by their controllers) and, with
 * RATE_LIMIT_PER_MINUTE, a rate limit on every answer but operations'.
 */
@Global()
@Module({})
export class AuthModule {
  static forRoot(config: StoreConfig): DynamicModule {
    const limit = config.RATE_LIMIT_PER_MINUTE;
    const windowMs = config.RATE_LIMIT_WINDOW_MS;
    const per = windowMs === 60_000 ? 'a minute' : `every ${windowMs / 1000} s`;
    return {
      module: AuthModule,
      imports: limit
        ? [
            ThrottlerModule.forRoot({
              throttlers: [{ name: 'default', ttl: windowMs, limit }],
              errorMessage: `Too many requests: at most ${limit} ${per}`,
            }),
          ]
        : [],
      providers: [
        TokenVerifier,
        UserTokenGuard,
        ...(limit ? [{ provide: APP_GUARD, useClass: ClientThrottlerGuard }] : []),
      ],
      exports: [TokenVerifier, UserTokenGuard],
    };
  }
}
