import { DynamicModule, Module, Provider } from '@nestjs/common';
import { BaseServiceConfig } from '@app/config';
import { createCallPolicy } from './call-policy';
import { CALL_OBSERVER, CallObserver } from './call-observer';
import { DownstreamClient } from './downstream-client';
import { ServiceClient } from './service-client';

type DownstreamClientClass = (new (http: ServiceClient) => DownstreamClient) & {
  readonly serviceName: string;
};

export interface DownstreamTarget {
  client: DownstreamClientClass;
  baseUrl: string;
}

/**
 * Registers one typed client per downstream service a service calls, each with its own
 * connection pool, time-out and circuit breaker (in memory, per target service).
 */
@Module({})
export class ServiceClientModule {
  static forRoot(targets: DownstreamTarget[]): DynamicModule {
    const providers: Provider[] = targets.map(({ client, baseUrl }) => ({
      provide: client,
      inject: [BaseServiceConfig, { token: CALL_OBSERVER, optional: true }],
      useFactory: (config: BaseServiceConfig, observer?: CallObserver) =>
        new client(
          new ServiceClient({
            serviceName: client.serviceName,
            baseUrl,
            observer,
            callPolicy: createCallPolicy({
              timeoutMs: config.HTTP_TIMEOUT_MS,
              breakerThreshold: config.BREAKER_THRESHOLD,
              halfOpenAfterMs: config.BREAKER_HALF_OPEN_AFTER_MS,
            }),
          }),
        ),
    }));
    const tokens = targets.map(({ client }) => client);
    return { module: ServiceClientModule, global: true, providers, exports: tokens };
  }
}
