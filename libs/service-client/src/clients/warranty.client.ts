import { WarrantyClaimRequest, WarrantyDecisionResponse, WarrantyResponse } from '@app/contracts';
import { DownstreamClient } from '../downstream-client';

const BASE = '/api/v1/warranty';

export class WarrantyClient extends DownstreamClient {
  static readonly serviceName = 'Warranty';

  start(itemUid: string): Promise<void> {
    return this.http.post(`${BASE}/${itemUid}`);
  }

  find(itemUid: string): Promise<WarrantyResponse> {
    return this.http.get(`${BASE}/${itemUid}`);
  }

  claim(itemUid: string, claim: WarrantyClaimRequest): Promise<WarrantyDecisionResponse> {
    return this.http.post(`${BASE}/${itemUid}/warranty`, claim);
  }

  close(itemUid: string): Promise<void> {
    return this.http.delete(`${BASE}/${itemUid}`);
  }
}
