import { ApiProperty } from '@nestjs/swagger';
import { OrderStatus, Size, WarrantyDecision, WarrantyStatus } from '@app/contracts';
import { WarrantyClaimState } from '../../claims/dto/claim.dto';

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

  @ApiProperty({
    type: WarrantyClaimState,
    nullable: true,
    description: "The order's latest warranty claim (e.g. PENDING while queued), null when it has none",
  })
  warrantyClaim!: WarrantyClaimState | null;
}

export class StoreClaimResponse {
  @ApiProperty({ format: 'uuid' })
  orderUid!: string;

  @ApiProperty({ format: 'date-time' })
  warrantyDate!: string;

  @ApiProperty({ enum: WarrantyDecision, enumName: 'WarrantyDecision' })
  decision!: WarrantyDecision;
}
