import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { BaseServiceConfig } from '@app/config';
import { dataSourceOptions, ServiceSchema } from './data-source-options';

@Module({})
export class DatabaseModule {
  static forRoot(schema: ServiceSchema): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [BaseServiceConfig],
          useFactory: (config: BaseServiceConfig) => ({
            ...dataSourceOptions(config, schema),
            retryAttempts: 5,
            retryDelay: 2000,
          }),
        }),
      ],
    };
  }
}
