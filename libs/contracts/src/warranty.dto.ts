import { ApiProperty } from '@nestjs/swagger';
import { WarrantyDecision, WarrantyStatus } from './enums';
import { IsCountField, IsTextField, IsUuidListField } from './validation';

/** Body of warranty `POST /{itemUid}/warranty`. */
export class WarrantyClaimRequest {
  @IsTextField('Why the customer claims the warranty', 'The brick does not fit', 1000)
  reason!: string;

  @IsCountField('Units of this item the warehouse has available now')
  availableCount!: number;
}

export class WarrantyResponse {
  @ApiProperty({ format: 'uuid' })
  itemUid!: string;

  @ApiProperty({ format: 'date-time' })
  warrantyDate!: string;

  @ApiProperty({ enum: WarrantyStatus, enumName: 'WarrantyStatus' })
  status!: WarrantyStatus;
}

export class WarrantyDecisionResponse {
  @ApiProperty({ format: 'date-time', description: 'When the warranty started' })
  warrantyDate!: string;

  @ApiProperty({ enum: WarrantyDecision, enumName: 'WarrantyDecision' })
  decision!: WarrantyDecision;
}

/** Body of warranty `POST /lookup`: the warranties of several items in one call. */
export class WarrantyLookupRequest {
  @IsUuidListField('The items whose warranties to look up; items without one are left out of the answer')
  itemUids!: string[];
}
