/**
 * Typed stand-ins for the sagas' collaborators, for the unit specs beside them. Every call is
 * written to one shared log, so that a spec can assert the order of the steps, of their
 * compensations and of the journal's state changes across warehouse, warranty and the journal.
 */
import {
  OrderItemResponse,
  TakeItemRequest,
  VoidedOrderResponse,
  WarrantyResponse,
  WarrantyStatus,
} from '@app/contracts';
import type { BaseServiceConfig } from '@app/config';
import { ConflictError, ServiceUnavailableError } from '@app/errors';
import { Order } from '../../apps/order/src/orders/order.entity';
import { OrderSaga, SagaKind, SagaState } from '../../apps/order/src/sagas/order-saga.entity';
import type { PurchaseWarehouse, PurchaseWarranty } from '../../apps/order/src/sagas/purchase.saga';
import type { RefundWarehouse, RefundWarranty } from '../../apps/order/src/sagas/refund.saga';
import type { NewSaga, SagaJournalPort } from '../../apps/order/src/sagas/saga-journal';
import { SagaRecovery } from '../../apps/order/src/sagas/saga-recovery';
import { SagaTiming } from '../../apps/order/src/sagas/saga-timing';
import { ITEM_UID, makeSaga, ORDER_UID, SELECTION } from './factories';

export class CallLog {
  readonly calls: string[] = [];
  private readonly failures = new Map<string, Error[]>();

  /** Makes the next call of `name` fail with `error` (queued: several calls, several errors). */
  failNext(name: string, ...errors: Error[]): void {
    this.failures.set(name, [...(this.failures.get(name) ?? []), ...errors]);
  }

  /** Logs the call and rejects with its queued failure, if any. */
  async call<T>(name: string, result: T): Promise<T> {
    this.calls.push(name);
    await Promise.resolve();
    const error = this.failures.get(name)?.shift();
    if (error !== undefined) throw error;
    return result;
  }
}

/** How the log names an item: 'item' for ITEM_UID, else its uid. */
const named = (itemUid: string) => (itemUid === ITEM_UID ? 'item' : itemUid);

function itemResponse(request: TakeItemRequest): OrderItemResponse {
  return { orderItemUid: ITEM_UID, orderUid: request.orderUid, model: request.model, size: request.size };
}

export class StubWarehouse implements PurchaseWarehouse, RefundWarehouse {
  /** The orders voided, in order. */
  readonly voided: string[] = [];
  /** Whether a take went through (its answer may still have been lost): a void then names the unit. */
  private taken = false;

  constructor(private readonly log: CallLog) {}

  async takeItem(request: TakeItemRequest): Promise<OrderItemResponse> {
    this.taken = true; // as a take whose answer is lost on the way back
    try {
      return await this.log.call('warehouse.take', itemResponse(request));
    } catch (error) {
      if (!(error instanceof ServiceUnavailableError)) this.taken = false; // refused: took nothing
      throw error;
    }
  }

  returnItem(orderItemUid: string): Promise<void> {
    return this.log.call(`warehouse.return ${named(orderItemUid)}`, undefined);
  }

  voidOrder(orderUid: string): Promise<VoidedOrderResponse> {
    this.voided.push(orderUid);
    return this.log.call('warehouse.void order', { orderItemUid: this.taken ? ITEM_UID : null });
  }

  findOrderItem(orderItemUid: string): Promise<OrderItemResponse> {
    return this.log.call(`warehouse.find ${named(orderItemUid)}`, {
      orderItemUid,
      orderUid: ORDER_UID,
      model: SELECTION.model,
      size: SELECTION.size,
    });
  }
}

export class StubWarranty implements PurchaseWarranty, RefundWarranty {
  constructor(private readonly log: CallLog) {}

  start(itemUid: string): Promise<void> {
    return this.log.call(`warranty.start ${named(itemUid)}`, undefined);
  }

  void(itemUid: string): Promise<void> {
    return this.log.call(`warranty.void ${named(itemUid)}`, undefined);
  }

  find(itemUid: string): Promise<WarrantyResponse> {
    return this.log.call(`warranty.find ${named(itemUid)}`, {
      itemUid,
      warrantyDate: new Date().toISOString(),
      status: WarrantyStatus.ON_WARRANTY,
    });
  }

  close(itemUid: string): Promise<void> {
    return this.log.call(`warranty.close ${named(itemUid)}`, undefined);
  }
}

/** One saga held in memory with the journal's state rules (each change conditional on the state). */
export class StubJournal implements SagaJournalPort {
  saga?: OrderSaga;
  /** What findByRequestKey finds (a saga run earlier with the key). */
  earlier?: OrderSaga;
  /** What claimNext hands out, in order. */
  readonly due: OrderSaga[] = [];
  nextDueMs: number | undefined = undefined;
  /** The order commitRefund sees. */
  orderStatus = 'PAID';

  constructor(private readonly log: CallLog) {}

  findByRequestKey(kind: SagaKind, requestKey: string): Promise<OrderSaga | undefined> {
    const found =
      this.earlier?.kind === kind && this.earlier.requestKey === requestKey ? this.earlier : undefined;
    return this.log.call('journal.findByKey', found);
  }

  findCommittedRefund(_orderUid: string): Promise<OrderSaga | undefined> {
    const committed = this.saga?.kind === SagaKind.REFUND && this.saga.state !== SagaState.ROLLED_BACK;
    return this.log.call('journal.findCommitted', committed ? this.saga : undefined);
  }

  stateOf(_id: number): Promise<SagaState | undefined> {
    return this.log.call('journal.stateOf', this.saga?.state);
  }

  startPurchase(saga: NewSaga): Promise<OrderSaga> {
    this.saga = makeSaga(SagaKind.PURCHASE, saga);
    return this.log.call('journal.start', this.saga);
  }

  async completePurchase(_id: number, order: Pick<Order, 'orderUid' | 'userUid' | 'itemUid'>): Promise<void> {
    await this.log.call('journal.complete', undefined);
    this.moveTo(SagaState.STARTED, SagaState.COMPLETED);
    if (this.saga) this.saga.itemUid = order.itemUid;
  }

  async commitRefund(saga: NewSaga): Promise<OrderSaga> {
    await this.log.call('journal.commit', undefined);
    if (this.orderStatus !== 'PAID') throw new ConflictError(`Order '${saga.orderUid}' is already canceled`);
    this.orderStatus = 'CANCELED';
    this.saga = makeSaga(SagaKind.REFUND, { ...saga, state: SagaState.COMMITTED });
    return { ...this.saga };
  }

  async markCompleted(_id: number): Promise<void> {
    await this.log.call('journal.completed', undefined);
    this.moveTo(SagaState.COMMITTED, SagaState.COMPLETED);
  }

  async beginCompensation(_id: number, error: string): Promise<OrderSaga | undefined> {
    await this.log.call('journal.compensating', undefined);
    if (!this.moveTo(SagaState.STARTED, SagaState.COMPENSATING)) return undefined;
    const saga = this.saga as OrderSaga;
    saga.attempts += 1;
    saga.lastError = error;
    return { ...saga };
  }

  async markRolledBack(_id: number, from: SagaState.STARTED | SagaState.COMPENSATING): Promise<void> {
    await this.log.call('journal.rolledBack', undefined);
    this.moveTo(from, SagaState.ROLLED_BACK);
  }

  async scheduleRetry(_id: number, delayMs: number, error: string): Promise<void> {
    await this.log.call(`journal.retryIn ${delayMs}`, undefined);
    if (this.saga) this.saga.lastError = error;
  }

  claimNext(): Promise<OrderSaga | undefined> {
    return this.log.call('journal.claimNext', this.due.shift());
  }

  msUntilNextDue(): Promise<number | undefined> {
    return this.log.call('journal.nextDue', this.nextDueMs);
  }

  get state(): SagaState | undefined {
    return this.saga?.state;
  }

  private moveTo(from: SagaState, to: SagaState): boolean {
    if (this.saga?.state !== from) return false;
    this.saga.state = to;
    return true;
  }
}

/**
 * The real recovery over a stub journal, with a 1 s hop time-out, and the delays of the retries it
 * schedules (instead of timers, which a unit spec does not run).
 */
export function recordingRecovery(journal: SagaJournalPort): { recovery: SagaRecovery; retries: number[] } {
  const recovery = new SagaRecovery(journal, new SagaTiming({ HTTP_TIMEOUT_MS: 1000 } as BaseServiceConfig));
  const retries: number[] = [];
  recovery.onRetryScheduled((delayMs) => retries.push(delayMs));
  return { recovery, retries };
}
