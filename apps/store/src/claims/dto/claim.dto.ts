import { ApiProperty } from '@nestjs/swagger';
import { WarrantyDecision } from '@app/contracts';
import { ClaimStatus } from '../warranty-claim.entity';

/** #3 answered 202: the claim is stored and queued until warehouse and warranty are back. */
export class StoreClaimAcceptedResponse {
  @ApiProperty({ format: 'uuid' })
  orderUid!: string;

  @ApiProperty({ enum: ['PENDING'], example: 'PENDING' })
  decision!: 'PENDING';

  @ApiProperty({
    example:
      'Warranty Service unavailable: the claim is queued and will be decided as soon as the service is back; ' +
      'the order shows its state',
  })
  message!: string;
}

/** The state of the latest warranty claim of an order, as the order view shows it. */
export class WarrantyClaimState {
  @ApiProperty({
    enum: ClaimStatus,
    enumName: 'WarrantyClaimStatus',
    description: 'PENDING: queued until the services are back; DONE: decided; FAILED: can never be decided',
  })
  status!: ClaimStatus;

  @ApiProperty({
    enum: WarrantyDecision,
    enumName: 'WarrantyDecision',
    nullable: true,
    description: 'Once DONE',
  })
  decision!: WarrantyDecision | null;
}
