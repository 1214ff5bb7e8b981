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

  /** With an idempotency key, a repeated purchase answers the order it made instead of buying twice. */
  place(userUid: string, selection: ItemSelection, idempotencyKey?: string): Promise<OrderCreatedResponse> {
    return this.http.post(`${BASE}/${userUid}`, selection, withIdempotencyKey(idempotencyKey));
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

  /** With an idempotency key, a repeated refund that committed answers as done instead of 409. */
  cancel(orderUid: string, idempotencyKey?: string): Promise<void> {
    return this.http.delete(`${BASE}/${orderUid}`, withIdempotencyKey(idempotencyKey));
  }
}
