import { DynamicModule, Global, Module } from '@nestjs/common';
import { BaseServiceConfig } from '@app/config';
import { CALL_OBSERVER } from '@app/service-client';
import { ClientMetrics } from './client.metrics';
import { HttpServerMetrics } from './http-server.metrics';
import { MetricsController } from './metrics.controller';
import { MetricsRegistry } from './metrics.registry';

/**
 * `GET /manage/prometheus` and the metrics every service has: its requests, its calls to other
 * services and their breakers, the process. A service adds its own metrics on MetricsRegistry.
 */
@Global()
@Module({})
export class MetricsModule {
  static forRoot(): DynamicModule {
    return {
      module: MetricsModule,
      controllers: [MetricsController],
      providers: [
        {
          provide: MetricsRegistry,
          inject: [BaseServiceConfig],
          useFactory: (config: BaseServiceConfig) => new MetricsRegistry(config.serviceKey),
        },
        HttpServerMetrics,
        ClientMetrics,
        { provide: CALL_OBSERVER, useExisting: ClientMetrics },
      ],
      exports: [MetricsRegistry, HttpServerMetrics, CALL_OBSERVER],
    };
  }
}
