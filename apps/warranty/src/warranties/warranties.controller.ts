import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiIdempotencyKey, IdempotencyKey, ParseUuidPipe } from '@app/bootstrap';
import {
  MAX_BATCH_SIZE,
  WarrantyClaimRequest,
  WarrantyDecisionResponse,
  WarrantyLookupRequest,
  WarrantyResponse,
} from '@app/contracts';
import { ApiErrors } from '@app/errors';
import { WarrantiesService } from './warranties.service';

@ApiTags('warranty')
@Controller('api/v1/warranty')
export class WarrantiesController {
  constructor(private readonly warranties: WarrantiesService) {}

  // Before ':itemUid', which would take 'lookup' for an item uid.
  @Post('lookup')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'The warranties of several items in one call (the order list of the store)',
    description: `1 to ${MAX_BATCH_SIZE} uids; the answer holds the warranties that exist, in no particular order.`,
  })
  @ApiOkResponse({ type: [WarrantyResponse] })
  @ApiErrors(400)
  lookup(@Body() request: WarrantyLookupRequest): Promise<WarrantyResponse[]> {
    return this.warranties.findMany(request.itemUids);
  }

  @Post(':itemUid')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Start the warranty of an item (repeating it changes nothing)' })
  @ApiNoContentResponse()
  @ApiErrors(400)
  start(@Param('itemUid', ParseUuidPipe) itemUid: string): Promise<void> {
    return this.warranties.start(itemUid);
  }

  @Get(':itemUid')
  @ApiOperation({ summary: 'The warranty of an item' })
  @ApiOkResponse({ type: WarrantyResponse })
  @ApiErrors(400, 404)
  find(@Param('itemUid', ParseUuidPipe) itemUid: string): Promise<WarrantyResponse> {
    return this.warranties.find(itemUid);
  }

  @Post(':itemUid/warranty')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Decide a warranty claim: RETURN, FIXING or REFUSE' })
  @ApiOkResponse({ type: WarrantyDecisionResponse })
  @ApiIdempotencyKey('claim')
  @ApiErrors(400, 404, 422)
  claim(
    @Param('itemUid', ParseUuidPipe) itemUid: string,
    @Body() claim: WarrantyClaimRequest,
    @IdempotencyKey() idempotencyKey: string | undefined,
  ): Promise<WarrantyDecisionResponse> {
    return this.warranties.claim(itemUid, claim, idempotencyKey);
  }

  @Post(':itemUid/void')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    summary: 'Void the warranty of an item whose sale was rolled back (the undo of a start)',
    description:
      'The warranty disappears (404 from then on) and a start that arrives later does nothing, so a ' +
      'rolled-back purchase never leaves a warranty behind. Always 204, also when no warranty was started.',
  })
  @ApiNoContentResponse()
  @ApiErrors(400)
  void(@Param('itemUid', ParseUuidPipe) itemUid: string): Promise<void> {
    return this.warranties.void(itemUid);
  }

  @Delete(':itemUid')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Close the warranty (repeating it answers the same)' })
  @ApiNoContentResponse()
  @ApiErrors(400, 404)
  close(@Param('itemUid', ParseUuidPipe) itemUid: string): Promise<void> {
    return this.warranties.close(itemUid);
  }
}
