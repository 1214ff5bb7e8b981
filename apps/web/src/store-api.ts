import { call, CallOptions, STORE_API } from './api';

/** The shapes of the store's answers the storefront reads (docs/api.md, Swagger at /api-docs). */
export interface CatalogueItem {
  model: string;
  size: string;
  availableCount: number;
}

export interface ClaimState {
  status: 'PENDING' | 'DONE' | 'FAILED';
  decision: string | null;
}

export interface OrderView {
  orderUid: string;
  date: string;
  status: 'PAID' | 'CANCELED' | 'WAITING';
  model: string | null;
  size: string | null;
  warrantyDate: string | null;
  warrantyStatus: string | null;
  warrantyClaim: ClaimState | null;
}

export interface ClaimAnswer {
  orderUid: string;
  decision: string;
  warrantyDate?: string;
  message?: string;
}

/** One customer's view of the store: the user's path, and their token when the store wants one. */
export class StoreApi {
  constructor(
    private readonly userUid: string,
    private readonly token: string | undefined,
  ) {}

  catalogue(): Promise<CatalogueItem[]> {
    return call<CatalogueItem[]>(`${STORE_API}/items`).then((answer) => answer.body);
  }

  orders(): Promise<OrderView[]> {
    return this.call<OrderView[]>('orders').then((answer) => answer.body);
  }

  purchase(model: string, size: string, idempotencyKey: string): Promise<{ orderUid: string }> {
    return this.call<{ orderUid: string }>('purchase', {
      method: 'POST',
      body: { model, size },
      idempotencyKey,
    }).then((answer) => answer.body);
  }

  /** 200 with the decision, or 202 PENDING when the claim waits for warehouse or warranty. */
  claim(orderUid: string, reason: string, idempotencyKey: string): Promise<ClaimAnswer> {
    return this.call<ClaimAnswer>(`${orderUid}/warranty`, {
      method: 'POST',
      body: { reason },
      idempotencyKey,
    }).then((answer) => answer.body);
  }

  async refund(orderUid: string, idempotencyKey: string): Promise<void> {
    await this.call(`${orderUid}/refund`, { method: 'DELETE', idempotencyKey });
  }

  private call<T>(path: string, options: CallOptions = {}) {
    return call<T>(`${STORE_API}/${encodeURIComponent(this.userUid)}/${path}`, {
      ...options,
      token: this.token,
    });
  }
}
