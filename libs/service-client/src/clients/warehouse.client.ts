import {
  CatalogueItemResponse,
  ClaimRequest,
  OrderItemResponse,
  TakeItemRequest,
  WarrantyDecisionResponse,
} from '@app/contracts';
import { DownstreamClient } from '../downstream-client';

const BASE = '/api/v1/warehouse';

export class WarehouseClient extends DownstreamClient {
  static readonly serviceName = 'Warehouse';

  takeItem(request: TakeItemRequest): Promise<OrderItemResponse> {
    return this.http.post(BASE, request);
  }

  findOrderItem(orderItemUid: string): Promise<OrderItemResponse> {
    return this.http.get(`${BASE}/${orderItemUid}`);
  }

  claimWarranty(orderItemUid: string, claim: ClaimRequest): Promise<WarrantyDecisionResponse> {
    return this.http.post(`${BASE}/${orderItemUid}/warranty`, claim);
  }

  returnItem(orderItemUid: string): Promise<void> {
    return this.http.delete(`${BASE}/${orderItemUid}`);
  }

  catalogue(): Promise<CatalogueItemResponse[]> {
    return this.http.get(`${BASE}/items`);
  }
}
