import { ApiProperty } from '@nestjs/swagger';

/** A dead-lettered claim, as an operator sees it. */
export class DeadClaim {
  @ApiProperty({ format: 'uuid' })
  claimUid!: string;

  @ApiProperty({ format: 'uuid' })
  orderUid!: string;

  @ApiProperty({ format: 'uuid' })
  userUid!: string;

  @ApiProperty()
  reason!: string;

  @ApiProperty({ description: 'Failed tries before it was found to be hopeless' })
  attempts!: number;

  @ApiProperty({ type: String, nullable: true, description: 'Why it can never succeed as it is' })
  error!: string | null;

  @ApiProperty({ format: 'date-time' })
  failedAt!: string;
}

export class ReplayResult {
  @ApiProperty({ type: [String], format: 'uuid', description: 'The claims put back in the queue' })
  replayed!: string[];
}
