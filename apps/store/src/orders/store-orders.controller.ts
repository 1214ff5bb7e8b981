import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Post, Res } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiHeader,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { ParseUuidPipe } from '@app/bootstrap';
import { ItemSelection, OrderCreatedResponse } from '@app/contracts';
import { ApiErrors } from '@app/errors';
import { UsersService } from '../users/users.service';
import { OrderView } from './dto/order-view.dto';
import { OrderViewsService } from './order-views.service';
import { PurchasesService } from './purchases.service';

@ApiTags('store')
@Controller('api/v1/store')
export class StoreOrdersController {
  constructor(
    private readonly users: UsersService,
    private readonly views: OrderViewsService,
    private readonly purchases: PurchasesService,
  ) {}

  @Get(':userUid/orders')
  @ApiOperation({ summary: "#1 The user's orders" })
  @ApiOkResponse({ type: [OrderView] })
  @ApiErrors(400, 404, 503)
  async orders(@Param('userUid', ParseUuidPipe) userUid: string): Promise<OrderView[]> {
    await this.users.assertExists(userUid);
    return this.views.findAll(userUid);
  }

  @Post(':userUid/purchase')
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({ summary: '#4 Buy an item' })
  @ApiCreatedResponse({ type: OrderCreatedResponse })
  @ApiHeader({ name: 'Location', description: '/api/v1/store/{userUid}/{orderUid}' })
  @ApiErrors(400, 404, 409, 503)
  async purchase(
    @Param('userUid', ParseUuidPipe) userUid: string,
    @Body() selection: ItemSelection,
    @Res({ passthrough: true }) response: Response,
  ): Promise<OrderCreatedResponse> {
    await this.users.assertExists(userUid);
    const created = await this.purchases.purchase(userUid, selection);
    response.location(`/api/v1/store/${userUid}/${created.orderUid}`);
    return created;
  }

  @Get(':userUid/:orderUid')
  @ApiOperation({ summary: '#2 One order of the user' })
  @ApiOkResponse({ type: OrderView })
  @ApiErrors(400, 404, 503)
  async order(
    @Param('userUid', ParseUuidPipe) userUid: string,
    @Param('orderUid', ParseUuidPipe) orderUid: string,
  ): Promise<OrderView> {
    await this.users.assertExists(userUid);
    return this.views.find(userUid, orderUid);
  }

  @Delete(':userUid/:orderUid/refund')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: '#5 Return an order and get the money back' })
  @ApiNoContentResponse()
  @ApiErrors(400, 404, 409, 503)
  async refund(
    @Param('userUid', ParseUuidPipe) userUid: string,
    @Param('orderUid', ParseUuidPipe) orderUid: string,
  ): Promise<void> {
    await this.users.assertExists(userUid);
    await this.purchases.refund(userUid, orderUid);
  }
}
