import { DynamicModule, Module } from '@nestjs/common';
import { ServiceConfigModule } from '@app/config';
import { DatabaseModule } from '@app/database';
import { HealthModule } from '@app/health';
import { MetricsModule } from '@app/metrics';
import { ServiceClientModule, WarrantyClient } from '@app/service-client';
import { warehouseSchema } from './database/schema';
import { StockModule } from './stock/stock.module';
import { WarehouseConfig } from './warehouse.config';

@Module({})
export class WarehouseAppModule {
  static register(config: WarehouseConfig): DynamicModule {
    return {
      module: WarehouseAppModule,
      imports: [
        ServiceConfigModule.forRoot(config),
        MetricsModule.forRoot(),
        DatabaseModule.forRoot(warehouseSchema),
        ServiceClientModule.forRoot([{ client: WarrantyClient, baseUrl: config.WARRANTY_SERVICE_URL }]),
        HealthModule.forRoot(),
        StockModule,
      ],
    };
  }
}
