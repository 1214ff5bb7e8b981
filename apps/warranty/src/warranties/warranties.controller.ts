import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiIdempotencyKey, IdempotencyKey, ParseUuidPipe } from '@app/bootstrap';
import { WarrantyClaimRequest, WarrantyDecisionResponse, WarrantyResponse } from '@app/contracts';
import { ApiErrors } from '@app/errors';
import { WarrantiesService } from './warranties.service';

@ApiTags('warranty')
@Controller('api/v1/warranty')
export class WarrantiesController {
  constructor(private readonly warranties: WarrantiesService) {}

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
  @ApiIdempotencyKey()
  @ApiErrors(400, 404)
  claim(
    @Param('itemUid', ParseUuidPipe) itemUid: string,
    @Body() claim: WarrantyClaimRequest,
    @IdempotencyKey() idempotencyKey: string | undefined,
  ): Promise<WarrantyDecisionResponse> {
    return this.warranties.claim(itemUid, claim, idempotencyKey);
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
