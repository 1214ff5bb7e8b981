import { Injectable } from '@nestjs/common';
import { OrderResponse } from '@app/contracts';
import { NotFoundError, ServiceUnavailableError } from '@app/errors';
import { OrderClient, WarehouseClient, WarrantyClient } from '@app/service-client';
import { ClaimsRepository } from '../claims/claims.repository';
import { OrderView } from './dto/order-view.dto';

/**
 * A degraded read: an unavailable service (or one that has no record of the item) leaves its
 * fields null instead of failing the whole view of an order that exists.
 */
async function orNull<T>(call: Promise<T>): Promise<T | null> {
  try {
    return await call;
  } catch (error) {
    if (error instanceof ServiceUnavailableError || error instanceof NotFoundError) return null;
    throw error;
  }
}

/**
 * Reads #1 and #2: the order from order service (required: without it the answer is 503),
 * enriched from warehouse and warranty when they are available.
 */
@Injectable()
export class OrderViewsService {
  constructor(
    private readonly orders: OrderClient,
    private readonly warehouse: WarehouseClient,
    private readonly warranty: WarrantyClient,
    private readonly claims: ClaimsRepository,
  ) {}

  async findAll(userUid: string): Promise<OrderView[]> {
    const orders = await this.orders.findAll(userUid);
    return Promise.all(orders.map((order) => this.toView(order)));
  }

  async find(userUid: string, orderUid: string): Promise<OrderView> {
    return this.toView(await this.orders.find(userUid, orderUid));
  }

  /** The warehouse and warranty look-ups of one order are independent: run them together. */
  private async toView(order: OrderResponse): Promise<OrderView> {
    const [item, warranty, claim] = await Promise.all([
      orNull(this.warehouse.findOrderItem(order.itemUid)),
      orNull(this.warranty.find(order.itemUid)),
      this.claims.latestOf(order.orderUid),
    ]);
    return {
      orderUid: order.orderUid,
      date: order.orderDate,
      status: order.status,
      model: item?.model ?? null,
      size: item?.size ?? null,
      warrantyDate: warranty?.warrantyDate ?? null,
      warrantyStatus: warranty?.status ?? null,
      warrantyClaim: claim,
    };
  }
}
