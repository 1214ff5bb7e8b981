import { Injectable } from '@nestjs/common';
import { OrderResponse } from '@app/contracts';
import { OrderClient, WarehouseClient, WarrantyClient } from '@app/service-client';
import { OrderView } from './dto/order-view.dto';

/** Reads #1 and #2: the order from order service, enriched from warehouse and warranty. */
@Injectable()
export class OrderViewsService {
  constructor(
    private readonly orders: OrderClient,
    private readonly warehouse: WarehouseClient,
    private readonly warranty: WarrantyClient,
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
    const [item, warranty] = await Promise.all([
      this.warehouse.findOrderItem(order.itemUid),
      this.warranty.find(order.itemUid),
    ]);
    return {
      orderUid: order.orderUid,
      date: order.orderDate,
      status: order.status,
      model: item.model,
      size: item.size,
      warrantyDate: warranty.warrantyDate,
      warrantyStatus: warranty.status,
    };
  }
}
