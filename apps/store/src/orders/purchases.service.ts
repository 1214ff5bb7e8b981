import { Injectable } from '@nestjs/common';
import { ItemSelection, OrderCreatedResponse } from '@app/contracts';
import { OrderClient } from '@app/service-client';

/** Writes #4 and #5, delegated to order service (#3 is in ../claims). */
@Injectable()
export class PurchasesService {
  constructor(private readonly orders: OrderClient) {}

  purchase(userUid: string, selection: ItemSelection): Promise<OrderCreatedResponse> {
    return this.orders.place(userUid, selection);
  }

  async refund(userUid: string, orderUid: string): Promise<void> {
    await this.orders.find(userUid, orderUid);
    await this.orders.cancel(orderUid);
  }
}
