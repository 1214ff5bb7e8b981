import { Controller, Get, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ParseUuidPipe } from '@app/bootstrap';
import { ApiErrors } from '@app/errors';
import { DeadClaims } from './dead-claims.service';
import { DeadClaim, ReplayResult } from './dto/dead-claim.dto';

/**
 * Operations on dead-lettered warranty claims. Under /manage/, which the deployment files keep
 * away from customers (only the store's /api/ faces them).
 */
@ApiTags('operations')
@Controller('manage/claims/dead')
export class DeadClaimsController {
  constructor(private readonly deadClaims: DeadClaims) {}

  @Get()
  @ApiOperation({ summary: 'Dead-lettered claims (FAILED), oldest first' })
  @ApiOkResponse({ type: [DeadClaim] })
  list(): Promise<DeadClaim[]> {
    return this.deadClaims.list();
  }

  @Post('replay')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Put every dead claim back in the queue',
    description:
      'Of an order with several dead claims, the latest; none of an order that has a claim waiting.',
  })
  @ApiOkResponse({ type: ReplayResult })
  replayAll(): Promise<ReplayResult> {
    return this.deadClaims.replay();
  }

  @Post(':claimUid/replay')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Put one dead claim back in the queue' })
  @ApiOkResponse({ type: ReplayResult })
  @ApiErrors(400, 404)
  replay(@Param('claimUid', ParseUuidPipe) claimUid: string): Promise<ReplayResult> {
    return this.deadClaims.replay(claimUid);
  }
}
