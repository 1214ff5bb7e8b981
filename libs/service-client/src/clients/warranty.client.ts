import { WarrantyClaimRequest, WarrantyDecisionResponse, WarrantyResponse } from '@app/contracts';
import { DownstreamClient } from '../downstream-client';
import { withIdempotencyKey } from '../idempotency';

const BASE = '/api/v1/warranty';

export class WarrantyClient extends DownstreamClient {
  static readonly serviceName = 'Warranty';

  start(itemUid: string): Promise<void> {
    return this.http.post(`${BASE}/${itemUid}`);
  }

  find(itemUid: string): Promise<WarrantyResponse> {
    return this.http.get(`${BASE}/${itemUid}`);
  }

  /** The warranties that exist among these items, in one call (at most MAX_BATCH_SIZE uids). */
  findMany(itemUids: string[]): Promise<WarrantyResponse[]> {
    return this.http.post(`${BASE}/lookup`, { itemUids });
  }

  /** The undo of a start: the warranty never was, and a start arriving later does nothing. */
  void(itemUid: string): Promise<void> {
    return this.http.post(`${BASE}/${itemUid}/void`);
  }

  /** With an idempotency key, a repeated claim answers the first decision instead of deciding again. */
  claim(
    itemUid: string,
    claim: WarrantyClaimRequest,
    idempotencyKey?: string,
  ): Promise<WarrantyDecisionResponse> {
    return this.http.post(`${BASE}/${itemUid}/warranty`, claim, withIdempotencyKey(idempotencyKey));
  }

  close(itemUid: string): Promise<void> {
    return this.http.delete(`${BASE}/${itemUid}`);
  }
}
