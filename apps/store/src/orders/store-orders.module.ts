import { Module } from '@nestjs/common';
import { ClaimsModule } from '../claims/claims.module';
import { UsersModule } from '../users/users.module';
import { OrderViewsService } from './order-views.service';
import { PurchasesService } from './purchases.service';
import { StoreOrdersController } from './store-orders.controller';

@Module({
  imports: [UsersModule, ClaimsModule],
  controllers: [StoreOrdersController],
  providers: [OrderViewsService, PurchasesService],
})
export class StoreOrdersModule {}
