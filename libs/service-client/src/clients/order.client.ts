import {
  ClaimRequest,
  ItemSelection,
  OrderCreatedResponse,
  OrderResponse,
  WarrantyDecisionResponse,
} from '@app/contracts';
import { DownstreamClient } from '../downstream-client';
import { withIdempotencyKey } from '../idempotency';

const BASE = '/api/v1/orders';

export class OrderClient extends DownstreamClient {
  static readonly serviceName = 'Order';

  place(userUid: string, selection: ItemSelection): Promise<OrderCreatedResponse> {
    return this.http.post(`${BASE}/${userUid}`, selection);
  }

  find(userUid: string, orderUid: string): Promise<OrderResponse> {
    return this.http.get(`${BASE}/${userUid}/${orderUid}`);
  }

  findAll(userUid: string): Promise<OrderResponse[]> {
    return this.http.get(`${BASE}/${userUid}`);
  }

  /** With an idempotency key, a repeated claim answers the first decision instead of deciding again. */
  claimWarranty(
    orderUid: string,
    claim: ClaimRequest,
    idempotencyKey?: string,
  ): Promise<WarrantyDecisionResponse> {
    return this.http.post(`${BASE}/${orderUid}/warranty`, claim, withIdempotencyKey(idempotencyKey));
  }

  cancel(orderUid: string): Promise<void> {
    return this.http.delete(`${BASE}/${orderUid}`);
  }
}
