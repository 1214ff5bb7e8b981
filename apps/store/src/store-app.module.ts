import { DynamicModule, Module } from '@nestjs/common';
import { ServiceConfigModule } from '@app/config';
import { DatabaseModule } from '@app/database';
import { HealthModule } from '@app/health';
import { OrderClient, ServiceClientModule, WarehouseClient, WarrantyClient } from '@app/service-client';
import { CatalogueModule } from './catalogue/catalogue.module';
import { storeSchema } from './database/schema';
import { StoreOrdersModule } from './orders/store-orders.module';
import { StoreConfig } from './store.config';

@Module({})
export class StoreAppModule {
  static register(config: StoreConfig): DynamicModule {
    return {
      module: StoreAppModule,
      imports: [
        ServiceConfigModule.forRoot(config),
        DatabaseModule.forRoot(storeSchema),
        ServiceClientModule.forRoot([
          { client: OrderClient, baseUrl: config.ORDER_SERVICE_URL },
          { client: WarehouseClient, baseUrl: config.WAREHOUSE_SERVICE_URL },
          { client: WarrantyClient, baseUrl: config.WARRANTY_SERVICE_URL },
        ]),
        HealthModule.forRoot(),
        CatalogueModule,
        StoreOrdersModule,
      ],
    };
  }
}
