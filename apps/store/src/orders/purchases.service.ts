import { Injectable } from '@nestjs/common';
import { ItemSelection, OrderCreatedResponse } from '@app/contracts';
import { OrderClient } from '@app/service-client';

/** Writes #4 and #5, delegated to order service (#3 is in ../claims). */
@Injectable()
export class PurchasesService {
  constructor(private readonly orders: OrderClient) {}

  /** `requestKey` makes a repeat of a purchase whose answer was lost return the same order. */
  purchase(userUid: string, selection: ItemSelection, requestKey?: string): Promise<OrderCreatedResponse> {
    return this.orders.place(userUid, selection, requestKey);
  }

  /** `requestKey` makes a repeat of a refund that committed answer 204 again, not 409. */
  async refund(userUid: string, orderUid: string, requestKey?: string): Promise<void> {
    await this.orders.find(userUid, orderUid);
    await this.orders.cancel(orderUid, requestKey);
  }
}
