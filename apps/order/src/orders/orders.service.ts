import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import {
  ClaimRequest,
  ItemSelection,
  OrderCreatedResponse,
  OrderResponse,
  OrderStatus,
  WarrantyDecisionResponse,
} from '@app/contracts';
import { NotFoundError } from '@app/errors';
import { WarehouseClient, WarrantyClient } from '@app/service-client';
import { assertCancelable } from './order-state';
import { Order } from './order.entity';

function orderNotFound(orderUid: string): NotFoundError {
  return new NotFoundError(`Order '${orderUid}' not found`);
}

function toResponse(order: Order): OrderResponse {
  return {
    orderUid: order.orderUid,
    orderDate: order.orderDate.toISOString(),
    itemUid: order.itemUid,
    status: order.status,
  };
}

@Injectable()
export class OrdersService {
  constructor(
    @InjectRepository(Order) private readonly orders: Repository<Order>,
    private readonly warehouse: WarehouseClient,
    private readonly warranty: WarrantyClient,
  ) {}

  /** Takes the item from warehouse, starts its warranty, and stores the order as PAID. */
  async place(userUid: string, selection: ItemSelection): Promise<OrderCreatedResponse> {
    const orderUid = randomUUID();
    const item = await this.warehouse.takeItem({ orderUid, ...selection });
    await this.warranty.start(item.orderItemUid);
    await this.orders.insert({
      orderUid,
      userUid,
      itemUid: item.orderItemUid,
      orderDate: new Date(),
      status: OrderStatus.PAID,
    });
    return { orderUid };
  }

  async findOfUser(userUid: string, orderUid: string): Promise<OrderResponse> {
    const order = await this.orders.findOneBy({ userUid, orderUid });
    if (!order) throw orderNotFound(orderUid);
    return toResponse(order);
  }

  async findAllOfUser(userUid: string): Promise<OrderResponse[]> {
    const orders = await this.orders.find({ where: { userUid }, order: { orderDate: 'ASC', id: 'ASC' } });
    return orders.map(toResponse);
  }

  async claimWarranty(orderUid: string, claim: ClaimRequest): Promise<WarrantyDecisionResponse> {
    const order = await this.get(orderUid);
    return this.warehouse.claimWarranty(order.itemUid, claim);
  }

  /** Returns the item to warehouse, closes its warranty, and marks the order CANCELED. */
  async cancel(orderUid: string): Promise<void> {
    const order = await this.get(orderUid);
    assertCancelable(order);
    await this.warehouse.returnItem(order.itemUid);
    await this.warranty.close(order.itemUid);
    await this.orders.update({ id: order.id }, { status: OrderStatus.CANCELED });
  }

  private async get(orderUid: string): Promise<Order> {
    const order = await this.orders.findOneBy({ orderUid });
    if (!order) throw orderNotFound(orderUid);
    return order;
  }
}
