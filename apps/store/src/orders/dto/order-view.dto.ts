import { ApiProperty } from '@nestjs/swagger';
import { OrderStatus, Size, WarrantyDecision, WarrantyStatus } from '@app/contracts';

/** An order as the customer sees it, joined from order, warehouse and warranty. */
export class OrderView {
  @ApiProperty({ format: 'uuid' })
  orderUid!: string;

  @ApiProperty({ format: 'date-time', description: 'When the order was placed' })
  date!: string;

  @ApiProperty({ enum: OrderStatus, enumName: 'OrderStatus' })
  status!: OrderStatus;

  @ApiProperty({ example: 'Lego 8070', nullable: true, type: String })
  model!: string | null;

  @ApiProperty({ enum: Size, enumName: 'Size', nullable: true })
  size!: Size | null;

  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  warrantyDate!: string | null;

  @ApiProperty({ enum: WarrantyStatus, enumName: 'WarrantyStatus', nullable: true })
  warrantyStatus!: WarrantyStatus | null;
}

export class StoreClaimResponse {
  @ApiProperty({ format: 'uuid' })
  orderUid!: string;

  @ApiProperty({ format: 'date-time' })
  warrantyDate!: string;

  @ApiProperty({ enum: WarrantyDecision, enumName: 'WarrantyDecision' })
  decision!: WarrantyDecision;
}
