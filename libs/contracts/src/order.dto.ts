import { ApiProperty } from '@nestjs/swagger';
import { OrderStatus } from './enums';

export class OrderCreatedResponse {
  @ApiProperty({ format: 'uuid' })
  orderUid!: string;
}

export class OrderResponse {
  @ApiProperty({ format: 'uuid' })
  orderUid!: string;

  @ApiProperty({ format: 'date-time' })
  orderDate!: string;

  @ApiProperty({ format: 'uuid', description: "The warehouse's orderItemUid" })
  itemUid!: string;

  @ApiProperty({ enum: OrderStatus, enumName: 'OrderStatus' })
  status!: OrderStatus;
}
