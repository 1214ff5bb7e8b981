import {
  CatalogueItemResponse,
  ClaimRequest,
  OrderItemResponse,
  TakeItemRequest,
  VoidedOrderResponse,
  WarrantyDecisionResponse,
} from '@app/contracts';
import { DownstreamClient } from '../downstream-client';
import { withIdempotencyKey } from '../idempotency';

const BASE = '/api/v1/warehouse';

export class WarehouseClient extends DownstreamClient {
  static readonly serviceName = 'Warehouse';

  takeItem(request: TakeItemRequest): Promise<OrderItemResponse> {
    return this.http.post(BASE, request);
  }

  findOrderItem(orderItemUid: string): Promise<OrderItemResponse> {
    return this.http.get(`${BASE}/${orderItemUid}`);
  }

  /** The order items that exist among these uids, in one call (at most MAX_BATCH_SIZE uids). */
  findOrderItems(orderItemUids: string[]): Promise<OrderItemResponse[]> {
    return this.http.post(`${BASE}/order-items/lookup`, { orderItemUids });
  }

  /** With an idempotency key, a repeated claim answers the first decision instead of deciding again. */
  claimWarranty(
    orderItemUid: string,
    claim: ClaimRequest,
    idempotencyKey?: string,
  ): Promise<WarrantyDecisionResponse> {
    return this.http.post(`${BASE}/${orderItemUid}/warranty`, claim, withIdempotencyKey(idempotencyKey));
  }

  /**
   * The undo of a take: the order's unit back to stock, and no take for the order ever again.
   * Answers the order item that held the unit (null: it never took one), for the warranty's void.
   */
  voidOrder(orderUid: string): Promise<VoidedOrderResponse> {
    return this.http.post(`${BASE}/orders/${orderUid}/void`);
  }

  returnItem(orderItemUid: string): Promise<void> {
    return this.http.delete(`${BASE}/${orderItemUid}`);
  }

  catalogue(): Promise<CatalogueItemResponse[]> {
    return this.http.get(`${BASE}/items`);
  }
}
