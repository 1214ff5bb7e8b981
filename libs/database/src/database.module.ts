import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { DataSourceOptions } from 'typeorm';
import { BaseServiceConfig } from '@app/config';
import { dataSourceOptions, ServiceSchema } from './data-source-options';
import { openMigratedDataSource } from './migrate';

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
          // Migrations (schema and seeds) run once across instances starting together.
          dataSourceFactory: (options) => openMigratedDataSource(options as DataSourceOptions),
        }),
      ],
    };
  }
}
