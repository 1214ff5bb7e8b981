import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SagasModule } from '../sagas/sagas.module';
import { Order } from './order.entity';
import { OrdersController } from './orders.controller';
import { OrdersService } from './orders.service';

@Module({
  imports: [TypeOrmModule.forFeature([Order]), SagasModule],
  controllers: [OrdersController],
  providers: [OrdersService],
})
export class OrdersModule {}
