import { DynamicModule, Module } from '@nestjs/common';
import { ServiceConfigModule } from '@app/config';
import { DatabaseModule } from '@app/database';
import { HealthModule } from '@app/health';
import { MetricsModule } from '@app/metrics';
import { BrokerHealthIndicator, MessagingModule } from '@app/messaging';
import { OrderClient, ServiceClientModule, WarehouseClient, WarrantyClient } from '@app/service-client';
import { AuthModule } from './auth/auth.module';
import { CatalogueModule } from './catalogue/catalogue.module';
import { CLAIM_EVENT } from './claims/claims.consumer';
import { ClaimsConsumerModule, ClaimsModule } from './claims/claims.module';
import { CLAIMS_PAYLOAD_KEY, claimsConnectionName, claimsRetrySchedule } from './claims/claims-microservice';
import { storeSchema } from './database/schema';
import { OpsModule } from './ops/ops.module';
import { StoreOrdersModule } from './orders/store-orders.module';
import { StoreConfig } from './store.config';
import { WebPagesModule } from './web/web-pages.module';

@Module({})
export class StoreAppModule {
  static register(config: StoreConfig): DynamicModule {
    return {
      module: StoreAppModule,
      imports: [
        ServiceConfigModule.forRoot(config),
        MetricsModule.forRoot(),
        DatabaseModule.forRoot(storeSchema),
        ServiceClientModule.forRoot([
          { client: OrderClient, baseUrl: config.ORDER_SERVICE_URL },
          { client: WarehouseClient, baseUrl: config.WAREHOUSE_SERVICE_URL },
          { client: WarrantyClient, baseUrl: config.WARRANTY_SERVICE_URL },
        ]),
        MessagingModule.forRoot({
          queue: config.CLAIMS_QUEUE,
          schedule: claimsRetrySchedule(config),
          pattern: CLAIM_EVENT,
          payloadKey: CLAIMS_PAYLOAD_KEY,
          // A claim's try lasts at most one call to order (HTTP_TIMEOUT_MS) and a few statements.
          leaseMs: config.HTTP_TIMEOUT_MS + 10_000,
          connectionName: claimsConnectionName(config, 'publisher'),
        }),
        HealthModule.forRoot({ indicators: [BrokerHealthIndicator] }),
        AuthModule.forRoot(config),
        CatalogueModule,
        StoreOrdersModule,
        ClaimsModule,
        OpsModule,
        WebPagesModule,
        ...(config.AMQP_URL ? [ClaimsConsumerModule] : []),
      ],
    };
  }
}
