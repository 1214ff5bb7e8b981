import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Post, Req, Res } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiHeader,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ParseUuidPipe } from '@app/bootstrap';
import { ItemSelection, OrderCreatedResponse } from '@app/contracts';
import { ApiErrors } from '@app/errors';
import { Idempotent } from '../idempotency/idempotent.decorator';
import { RequestKey } from '../idempotency/request-key.decorator';
import { ForUser } from '../auth/for-user.decorator';
import { OrderView } from './dto/order-view.dto';
import { OrderViewsService } from './order-views.service';
import { PurchasesService } from './purchases.service';

@ApiTags('store')
@ForUser()
@Controller('api/v1/store')
export class StoreOrdersController {
  constructor(
    private readonly views: OrderViewsService,
    private readonly purchases: PurchasesService,
  ) {}

  @Get(':userUid/orders')
  @ApiOperation({
    summary: "#1 The user's orders",
    description:
      'One call to order and one batch look-up each to warehouse and warranty, whatever the number of orders ' +
      '(up to 10,000 orders; each further 10,000 cost one more look-up each).',
  })
  @ApiOkResponse({ type: [OrderView] })
  @ApiErrors(400, 401, 403, 404, 429, 503)
  orders(
    @Param('userUid', ParseUuidPipe) userUid: string,
    @Req() request: FastifyRequest,
  ): Promise<OrderView[]> {
    // Safe on a bodiless GET only: Fastify's signal follows the raw request's 'close', which Node
    // also emits once a request's body has been read, while its client still waits.
    return this.views.findAll(userUid, request.signal);
  }

  @Post(':userUid/purchase')
  @HttpCode(HttpStatus.CREATED)
  @Idempotent()
  @ApiOperation({ summary: '#4 Buy an item' })
  @ApiCreatedResponse({ type: OrderCreatedResponse })
  @ApiHeader({ name: 'Location', description: '/api/v1/store/{userUid}/{orderUid}' })
  @ApiErrors(400, 401, 403, 404, 409, 429, 503)
  async purchase(
    @Param('userUid', ParseUuidPipe) userUid: string,
    @Body() selection: ItemSelection,
    @RequestKey() requestKey: string | undefined,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<OrderCreatedResponse> {
    const created = await this.purchases.purchase(userUid, selection, requestKey);
    response.header('Location', `/api/v1/store/${userUid}/${created.orderUid}`);
    return created;
  }

  @Get(':userUid/:orderUid')
  @ApiOperation({ summary: '#2 One order of the user' })
  @ApiOkResponse({ type: OrderView })
  @ApiErrors(400, 401, 403, 404, 429, 503)
  order(
    @Param('userUid', ParseUuidPipe) userUid: string,
    @Param('orderUid', ParseUuidPipe) orderUid: string,
  ): Promise<OrderView> {
    return this.views.find(userUid, orderUid);
  }

  @Delete(':userUid/:orderUid/refund')
  @HttpCode(HttpStatus.NO_CONTENT)
  @Idempotent()
  @ApiOperation({ summary: '#5 Return an order and get the money back' })
  @ApiNoContentResponse()
  @ApiErrors(400, 401, 403, 404, 409, 429, 503)
  refund(
    @Param('userUid', ParseUuidPipe) userUid: string,
    @Param('orderUid', ParseUuidPipe) orderUid: string,
    @RequestKey() requestKey: string | undefined,
  ): Promise<void> {
    return this.purchases.refund(userUid, orderUid, requestKey);
  }
}
