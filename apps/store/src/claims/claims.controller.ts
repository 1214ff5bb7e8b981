import { Body, Controller, HttpCode, HttpStatus, Param, Post, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiExtraModels, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ParseUuidPipe } from '@app/bootstrap';
import { ClaimRequest } from '@app/contracts';
import { ApiErrors } from '@app/errors';
import { Idempotent } from '../idempotency/idempotent.decorator';
import { RequestKey } from '../idempotency/request-key.decorator';
import { StoreClaimResponse } from '../orders/dto/order-view.dto';
import { ForUser } from '../auth/for-user.decorator';
import { ClaimsService } from './claims.service';
import { StoreClaimAcceptedResponse, WarrantyClaimState } from './dto/claim.dto';

@ApiTags('store')
@ApiExtraModels(WarrantyClaimState)
@ForUser()
@Controller('api/v1/store')
export class ClaimsController {
  constructor(private readonly claims: ClaimsService) {}

  @Post(':userUid/:orderUid/warranty')
  @HttpCode(HttpStatus.OK)
  @Idempotent()
  @ApiOperation({
    summary: '#3 Claim the warranty of an ordered item',
    description:
      'Decided at once (200) when warehouse and warranty are up. When either is down the claim is stored, ' +
      'queued and decided as soon as they are back (202 PENDING); the order view shows its state ' +
      '(`warrantyClaim`). While a claim of the order waits, another claim of it is a 409.',
  })
  @ApiOkResponse({ type: StoreClaimResponse, description: 'Decided' })
  @ApiAcceptedResponse({
    type: StoreClaimAcceptedResponse,
    description: 'Queued until the services are back',
  })
  @ApiErrors(400, 401, 403, 404, 409, 429, 503)
  async claimWarranty(
    @Param('userUid', ParseUuidPipe) userUid: string,
    @Param('orderUid', ParseUuidPipe) orderUid: string,
    @Body() claim: ClaimRequest,
    @RequestKey() requestKey: string | undefined,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<StoreClaimResponse | StoreClaimAcceptedResponse> {
    const answer = await this.claims.claim(userUid, orderUid, claim, requestKey);
    if (answer.queued) response.status(HttpStatus.ACCEPTED);
    return answer.body;
  }
}
