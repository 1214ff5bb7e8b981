import { Injectable } from '@nestjs/common';
import { ClaimRequest, ItemSelection, OrderCreatedResponse } from '@app/contracts';
import { OrderClient } from '@app/service-client';
import { StoreClaimResponse } from './dto/order-view.dto';

/** Writes #3, #4 and #5, delegated to order service. */
@Injectable()
export class PurchasesService {
  constructor(private readonly orders: OrderClient) {}

  purchase(userUid: string, selection: ItemSelection): Promise<OrderCreatedResponse> {
    return this.orders.place(userUid, selection);
  }

  async claimWarranty(userUid: string, orderUid: string, claim: ClaimRequest): Promise<StoreClaimResponse> {
    await this.orders.find(userUid, orderUid);
    const { warrantyDate, decision } = await this.orders.claimWarranty(orderUid, claim);
    return { orderUid, warrantyDate, decision };
  }

  async refund(userUid: string, orderUid: string): Promise<void> {
    await this.orders.find(userUid, orderUid);
    await this.orders.cancel(orderUid);
  }
}
