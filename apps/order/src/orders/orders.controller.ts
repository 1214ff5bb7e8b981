import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiIdempotencyKey, IdempotencyKey, ParseUuidPipe } from '@app/bootstrap';
import {
  ClaimRequest,
  ItemSelection,
  OrderCreatedResponse,
  OrderResponse,
  WarrantyDecisionResponse,
} from '@app/contracts';
import { ApiErrors } from '@app/errors';
import { OrdersService } from './orders.service';

@ApiTags('orders')
@Controller('api/v1/orders')
export class OrdersController {
  constructor(private readonly orders: OrdersService) {}

  @Post(':userUid')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Place an order: take the item, start its warranty, store it as PAID' })
  @ApiOkResponse({ type: OrderCreatedResponse })
  @ApiIdempotencyKey('purchase')
  @ApiErrors(400, 404, 409, 422, 503)
  place(
    @Param('userUid', ParseUuidPipe) userUid: string,
    @Body() selection: ItemSelection,
    @IdempotencyKey() requestKey: string | undefined,
  ): Promise<OrderCreatedResponse> {
    return this.orders.place(userUid, selection, requestKey);
  }

  @Get(':userUid/:orderUid')
  @ApiOperation({ summary: 'An order of a user' })
  @ApiOkResponse({ type: OrderResponse })
  @ApiErrors(400, 404)
  find(
    @Param('userUid', ParseUuidPipe) userUid: string,
    @Param('orderUid', ParseUuidPipe) orderUid: string,
  ): Promise<OrderResponse> {
    return this.orders.findOfUser(userUid, orderUid);
  }

  @Get(':userUid')
  @ApiOperation({ summary: 'All orders of a user, oldest first' })
  @ApiOkResponse({ type: [OrderResponse] })
  @ApiErrors(400)
  findAll(@Param('userUid', ParseUuidPipe) userUid: string): Promise<OrderResponse[]> {
    return this.orders.findAllOfUser(userUid);
  }

  @Post(':orderUid/warranty')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: "Claim the warranty of the order's item, through warehouse" })
  @ApiOkResponse({ type: WarrantyDecisionResponse })
  @ApiIdempotencyKey('claim')
  @ApiErrors(400, 404, 422, 503)
  claimWarranty(
    @Param('orderUid', ParseUuidPipe) orderUid: string,
    @Body() claim: ClaimRequest,
    @IdempotencyKey() idempotencyKey: string | undefined,
  ): Promise<WarrantyDecisionResponse> {
    return this.orders.claimWarranty(orderUid, claim, idempotencyKey);
  }

  @Delete(':orderUid')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Return the order: CANCELED, item back to stock, warranty closed' })
  @ApiNoContentResponse()
  @ApiIdempotencyKey('refund')
  @ApiErrors(400, 404, 409, 422, 503)
  cancel(
    @Param('orderUid', ParseUuidPipe) orderUid: string,
    @IdempotencyKey() requestKey: string | undefined,
  ): Promise<void> {
    return this.orders.cancel(orderUid, requestKey);
  }
}
