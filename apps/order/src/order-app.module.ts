import { DynamicModule, Module } from '@nestjs/common';
import { ServiceConfigModule } from '@app/config';
import { DatabaseModule } from '@app/database';
import { HealthModule } from '@app/health';
import { MetricsModule } from '@app/metrics';
import { ServiceClientModule, WarehouseClient, WarrantyClient } from '@app/service-client';
import { orderSchema } from './database/schema';
import { OrderConfig } from './order.config';
import { OrdersModule } from './orders/orders.module';

@Module({})
export class OrderAppModule {
  static register(config: OrderConfig): DynamicModule {
    return {
      module: OrderAppModule,
      imports: [
        ServiceConfigModule.forRoot(config),
        MetricsModule.forRoot(),
        DatabaseModule.forRoot(orderSchema),
        ServiceClientModule.forRoot([
          { client: WarehouseClient, baseUrl: config.WAREHOUSE_SERVICE_URL },
          { client: WarrantyClient, baseUrl: config.WARRANTY_SERVICE_URL },
        ]),
        HealthModule.forRoot(),
        OrdersModule,
      ],
    };
  }
}
