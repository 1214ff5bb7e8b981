import { Module } from '@nestjs/common';
import { ClaimsModule } from '../claims/claims.module';
import { IdempotencyModule } from '../idempotency/idempotency.module';
import { UsersModule } from '../users/users.module';
import { OrderListLimit } from './order-list-limit';
import { OrderListsMetrics } from './order-lists.metrics';
import { OrderViewsService } from './order-views.service';
import { PurchasesService } from './purchases.service';
import { StoreOrdersController } from './store-orders.controller';

@Module({
  imports: [UsersModule, ClaimsModule, IdempotencyModule],
  controllers: [StoreOrdersController],
  providers: [OrderListLimit, OrderListsMetrics, OrderViewsService, PurchasesService],
})
export class StoreOrdersModule {}
