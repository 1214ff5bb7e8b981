import { Module } from '@nestjs/common';
import { UsersModule } from '../users/users.module';
import { OrderViewsService } from './order-views.service';
import { PurchasesService } from './purchases.service';
import { StoreOrdersController } from './store-orders.controller';

@Module({
  imports: [UsersModule],
  controllers: [StoreOrdersController],
  providers: [OrderViewsService, PurchasesService],
})
export class StoreOrdersModule {}
