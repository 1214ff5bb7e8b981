import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiIdempotencyKey, IdempotencyKey, ParseUuidPipe } from '@app/bootstrap';
import {
  CatalogueItemResponse,
  ClaimRequest,
  MAX_BATCH_SIZE,
  OrderItemLookupRequest,
  OrderItemResponse,
  TakeItemRequest,
  VoidedOrderResponse,
  WarrantyDecisionResponse,
} from '@app/contracts';
import { ApiErrors } from '@app/errors';
import { StockService } from './stock.service';

@ApiTags('warehouse')
@Controller('api/v1/warehouse')
export class StockController {
  constructor(private readonly stock: StockService) {}

  @Get('items')
  @ApiOperation({ summary: 'The catalogue with the available count of every item' })
  @ApiOkResponse({ type: [CatalogueItemResponse] })
  catalogue(): Promise<CatalogueItemResponse[]> {
    return this.stock.catalogue();
  }

  @Post()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Take one unit of an item for an order',
    description:
      'Idempotent per order: taking again for the same order answers the unit it holds. An order whose unit ' +
      'was returned, or which was voided (its purchase rolled back), never takes a unit again (409).',
  })
  @ApiOkResponse({ type: OrderItemResponse })
  @ApiErrors(400, 404, 409)
  take(@Body() request: TakeItemRequest): Promise<OrderItemResponse> {
    return this.stock.take(request);
  }

  @Post('order-items/lookup')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Several order items in one call (the order list of the store)',
    description: `1 to ${MAX_BATCH_SIZE} uids; the answer holds the ones that exist, in no particular order.`,
  })
  @ApiOkResponse({ type: [OrderItemResponse] })
  @ApiErrors(400)
  lookup(@Body() request: OrderItemLookupRequest): Promise<OrderItemResponse[]> {
    return this.stock.findMany(request.orderItemUids);
  }

  @Post('orders/:orderUid/void')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Void the take of an order whose purchase is rolled back (the undo of a take)',
    description:
      "The order's unit, if it has one, goes back to stock (once), and the order can never take a unit " +
      'again: a take for it that arrives later answers 409. Always 200, naming the order item that held ' +
      'the unit (the same on every repeat), or null when the order never took one — the warranty to void.',
  })
  @ApiOkResponse({ type: VoidedOrderResponse })
  @ApiErrors(400)
  voidOrder(@Param('orderUid', ParseUuidPipe) orderUid: string): Promise<VoidedOrderResponse> {
    return this.stock.voidOrder(orderUid);
  }

  @Get(':orderItemUid')
  @ApiOperation({ summary: 'An order item' })
  @ApiOkResponse({ type: OrderItemResponse })
  @ApiErrors(400, 404)
  find(@Param('orderItemUid', ParseUuidPipe) orderItemUid: string): Promise<OrderItemResponse> {
    return this.stock.find(orderItemUid);
  }

  @Post(':orderItemUid/warranty')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: "Claim the item's warranty; warranty decides with the current stock" })
  @ApiOkResponse({ type: WarrantyDecisionResponse })
  @ApiIdempotencyKey('claim')
  @ApiErrors(400, 404, 422, 503)
  claimWarranty(
    @Param('orderItemUid', ParseUuidPipe) orderItemUid: string,
    @Body() claim: ClaimRequest,
    @IdempotencyKey() idempotencyKey: string | undefined,
  ): Promise<WarrantyDecisionResponse> {
    return this.stock.claimWarranty(orderItemUid, claim, idempotencyKey);
  }

  @Delete(':orderItemUid')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Return the item to stock (once; repeating it changes nothing)' })
  @ApiNoContentResponse()
  @ApiErrors(400, 404)
  returnItem(@Param('orderItemUid', ParseUuidPipe) orderItemUid: string): Promise<void> {
    return this.stock.returnItem(orderItemUid);
  }
}
