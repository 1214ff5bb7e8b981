import { setTimeout as delay } from 'node:timers/promises';
import { HttpClient, HttpResponse, paths } from '../support';
import { Ledger, WriteKind, WriteRecord } from './ledger';
import { SeededRandom } from './random';

export const LOW_STOCK_ITEM = { model: 'Lego 42070', size: 'L' };
const ITEMS = [
  LOW_STOCK_ITEM,
  LOW_STOCK_ITEM,
  { model: 'Lego 8070', size: 'M' },
  { model: 'Lego 8880', size: 'L' },
];

/** A client gives up on one attempt after this; the store's own time-out is far shorter. */
const CLIENT_TIMEOUT_MS = 20_000;

type Action = 'purchase' | 'refund' | 'claim' | 'view' | 'list' | 'catalogue';
const WEIGHTS: Record<Action, number> = {
  purchase: 30,
  refund: 15,
  claim: 15,
  view: 15,
  list: 10,
  catalogue: 15,
};

/** Answers that mean "not done, try again": the same key is sent again after a pause. */
function isRetryable(response: HttpResponse | undefined): boolean {
  return (
    response === undefined ||
    response.status === 503 ||
    (response.status === 409 && response.headers.has('retry-after'))
  );
}

/**
 * One customer of the soak: a seeded mix of purchases, refunds, claims and reads through the
 * store (one store instance or several, in turn), every write with an Idempotency-Key and
 * retried with it after a 503 or a lost answer until the client has a definitive answer (or the
 * run's deadline). What it was finally told goes in the ledger.
 */
export class ShopClient {
  private readonly paid: string[] = [];
  private next = 0;

  constructor(
    private readonly index: number,
    private readonly userUid: string,
    private readonly stores: HttpClient[],
    private readonly random: SeededRandom,
    private readonly ledger: Ledger,
    /** false: a client that sends no Idempotency-Key, and so never retries a write. */
    private readonly withKeys = true,
  ) {}

  /** Acts until `loadUntil`; retries of the last write may go on until `retryUntil`. */
  async run(loadUntil: number, retryUntil: number): Promise<void> {
    while (Date.now() < loadUntil) {
      await this.act(this.random.weighted(WEIGHTS), retryUntil);
      await delay(this.random.between(0, 40));
    }
  }

  private store(): HttpClient {
    this.next = (this.next + 1) % this.stores.length;
    return this.stores[this.next];
  }

  private async act(action: Action, retryUntil: number): Promise<void> {
    const orderUid = this.paid.length > 0 ? this.random.pick(this.paid) : undefined;
    switch (action) {
      case 'purchase': {
        const item = this.random.pick(ITEMS);
        const record = await this.write('purchase', undefined, retryUntil, (store, headers) =>
          store.post(paths.storePurchase(this.userUid), item, { headers, timeoutMs: CLIENT_TIMEOUT_MS }),
        );
        if (record.status === 201) this.paid.push((record.body as { orderUid: string }).orderUid);
        return;
      }
      case 'refund': {
        if (!orderUid) return;
        const record = await this.write('refund', orderUid, retryUntil, (store, headers) =>
          store.delete(paths.storeRefund(this.userUid, orderUid), { headers, timeoutMs: CLIENT_TIMEOUT_MS }),
        );
        if (record.status === 204 || record.status === 409) this.paid.splice(this.paid.indexOf(orderUid), 1);
        return;
      }
      case 'claim': {
        if (!orderUid) return;
        // The same request on every attempt: another body under the same key would be a 422.
        const claim = { reason: `soak claim ${this.random.next().toFixed(6)}` };
        await this.write('claim', orderUid, retryUntil, (store, headers) =>
          store.post(paths.storeClaim(this.userUid, orderUid), claim, {
            headers,
            timeoutMs: CLIENT_TIMEOUT_MS,
          }),
        );
        return;
      }
      case 'view':
        if (orderUid) await this.read('view', (store) => store.get(paths.storeOrder(this.userUid, orderUid)));
        return;
      case 'list':
        await this.read('list', (store) => store.get(paths.storeOrders(this.userUid)));
        return;
      case 'catalogue':
        await this.read('catalogue', (store) => store.get(paths.storeItems));
        return;
    }
  }

  private async write(
    kind: WriteKind,
    orderUid: string | undefined,
    retryUntil: number,
    send: (store: HttpClient, headers: Record<string, string>) => Promise<HttpResponse>,
  ) {
    const key = this.withKeys
      ? `soak-${this.index}-${this.random.next().toString(36).slice(2)}-${Date.now()}`
      : undefined;
    const record: WriteRecord = {
      kind,
      client: this.index,
      userUid: this.userUid,
      key,
      orderUid,
      startedAt: Date.now(),
      endedAt: 0,
      status: 0,
      body: undefined,
      attempts: 0,
      unknown: false,
    };
    let pauseMs = 250;
    for (;;) {
      record.attempts += 1;
      const response = await this.send(kind, () => send(this.store(), key ? { 'Idempotency-Key': key } : {}));
      if (response) {
        record.status = response.status;
        record.body = response.body;
      }
      record.unknown =
        response === undefined || (response.status === 409 && response.headers.has('retry-after'));
      // Without a key a retry would be another request: the first answer is final.
      if (!key || !isRetryable(response) || Date.now() > retryUntil) break;
      await delay(pauseMs);
      pauseMs = Math.min(pauseMs * 2, 2000);
    }
    record.endedAt = Date.now();
    this.ledger.writes.push(record);
    return record;
  }

  private async read(kind: string, send: (store: HttpClient) => Promise<HttpResponse>): Promise<void> {
    await this.send(kind, () => send(this.store()));
  }

  /** One request; undefined when no answer came (connection lost, a store instance killed). */
  private async send(kind: string, request: () => Promise<HttpResponse>): Promise<HttpResponse | undefined> {
    try {
      const response = await request();
      this.ledger.count(kind, response.status);
      if (response.status >= 500 && response.status !== 503) {
        this.ledger.refused.push(`${kind} answered ${response.status}: ${response.text.slice(0, 300)}`);
      }
      return response;
    } catch (error) {
      const text = error instanceof Error ? error.message : String(error);
      // The harness throws for an answer that breaks the conventions (not JSON, wrong type).
      if (/answered \d+ with/.test(text)) this.ledger.refused.push(`${kind}: ${text.slice(0, 300)}`);
      this.ledger.count(kind, 0);
      return undefined;
    }
  }
}
