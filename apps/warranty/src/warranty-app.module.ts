import { DynamicModule, Module } from '@nestjs/common';
import { ServiceConfigModule } from '@app/config';
import { DatabaseModule } from '@app/database';
import { HealthModule } from '@app/health';
import { MetricsModule } from '@app/metrics';
import { warrantySchema } from './database/schema';
import { WarrantiesModule } from './warranties/warranties.module';
import { WarrantyConfig } from './warranty.config';

@Module({})
export class WarrantyAppModule {
  static register(config: WarrantyConfig): DynamicModule {
    return {
      module: WarrantyAppModule,
      imports: [
        ServiceConfigModule.forRoot(config),
        MetricsModule.forRoot(),
        DatabaseModule.forRoot(warrantySchema),
        HealthModule.forRoot(),
        WarrantiesModule,
      ],
    };
  }
}
