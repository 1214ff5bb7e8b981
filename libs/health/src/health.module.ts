import { DynamicModule, Module, ModuleMetadata, Type } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { ComponentHealthIndicator, EXTRA_HEALTH_INDICATORS } from './component-health-indicator';
import { DatabaseHealthIndicator } from './database.health';
import { HealthController } from './health.controller';
import { HealthService } from './health.service';

export interface HealthModuleOptions {
  /** Components beyond db and ping, e.g. the broker. */
  indicators?: Type<ComponentHealthIndicator>[];
  /** Modules the extra indicators depend on. */
  imports?: ModuleMetadata['imports'];
}

/** `/manage/health` (+ liveness, readiness) in the contract's format, for every service; its report for other modules (the store's operations page). */
@Module({})
export class HealthModule {
  static forRoot({ indicators = [], imports = [] }: HealthModuleOptions = {}): DynamicModule {
    return {
      module: HealthModule,
      global: true,
      exports: [HealthService],
      imports: [TerminusModule.forRoot({ logger: false }), ...imports],
      controllers: [HealthController],
      providers: [
        DatabaseHealthIndicator,
        HealthService,
        ...indicators,
        {
          provide: EXTRA_HEALTH_INDICATORS,
          inject: indicators,
          useFactory: (...extras: ComponentHealthIndicator[]) => extras,
        },
      ],
    };
  }
}
