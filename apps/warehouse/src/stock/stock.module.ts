import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Item } from './item.entity';
import { OrderItem } from './order-item.entity';
import { StockController } from './stock.controller';
import { StockService } from './stock.service';

@Module({
  imports: [TypeOrmModule.forFeature([Item, OrderItem])],
  controllers: [StockController],
  providers: [StockService],
})
export class StockModule {}
