import { DynamicModule, Module } from '@nestjs/common';
import { BaseServiceConfig } from './base-service.config';

/**
 * Makes the service's validated config injectable by its own class and by BaseServiceConfig,
 * so shared libraries can read the common settings without knowing the concrete service.
 */
@Module({})
export class ServiceConfigModule {
  static forRoot<T extends BaseServiceConfig>(config: T): DynamicModule {
    const token = config.constructor as new () => T;
    return {
      module: ServiceConfigModule,
      global: true,
      providers: [
        { provide: token, useValue: config },
        { provide: BaseServiceConfig, useValue: config },
      ],
      exports: [token, BaseServiceConfig],
    };
  }
}
