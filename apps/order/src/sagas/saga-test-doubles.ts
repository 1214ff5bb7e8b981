/**
 * Typed stand-ins for the sagas' collaborators, for the unit specs beside them (not part of the
 * service). Every call is written to one shared log, so that a spec can assert the order of the
 * steps and of their compensations across warehouse, warranty and the journal.
 */
import { ItemSelection, OrderItemResponse, Size, TakeItemRequest } from '@app/contracts';
import { Order } from '../orders/order.entity';
import { OrderSaga, SagaKind, SagaState } from './order-saga.entity';
import { NewSaga, SagaJournalPort } from './saga-journal';
import type { PurchaseWarehouse, PurchaseWarranty } from './purchase.saga';
import type { RefundWarehouse, RefundWarranty } from './refund.saga';

export const ITEM_UID = '5a0e8c1d-2f4b-4c6a-9e8d-7b3a1c2d4e5f';
export const USER_UID = '6d2cb5a0-943c-4b96-9aa6-89eac7bdfd2b';
export const ORDER_UID = '0b8c3c5e-3d5a-4a8e-9d67-1f4f9a3b2c11';
export const SELECTION: ItemSelection = { model: 'Lego 8070', size: Size.M };

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

function itemResponse(request: TakeItemRequest): OrderItemResponse {
  return { orderItemUid: ITEM_UID, orderUid: request.orderUid, model: request.model, size: request.size };
}

export class StubWarehouse implements PurchaseWarehouse, RefundWarehouse {
  constructor(private readonly log: CallLog) {}

  takeItem(request: TakeItemRequest): Promise<OrderItemResponse> {
    return this.log.call('warehouse.take', itemResponse(request));
  }

  returnItem(orderItemUid: string): Promise<void> {
    return this.log.call(`warehouse.return ${orderItemUid === ITEM_UID ? 'item' : orderItemUid}`, undefined);
  }

  findOrderItem(orderItemUid: string): Promise<OrderItemResponse> {
    return this.log.call('warehouse.find', {
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
    return this.log.call(`warranty.start ${itemUid === ITEM_UID ? 'item' : itemUid}`, undefined);
  }

  close(itemUid: string): Promise<void> {
    return this.log.call(`warranty.close ${itemUid === ITEM_UID ? 'item' : itemUid}`, undefined);
  }
}

/** One saga held in memory with the journal's state rules (conditional on the current state). */
export class StubJournal implements SagaJournalPort {
  saga?: OrderSaga;
  /** What claimNext hands out, in order. */
  readonly due: OrderSaga[] = [];
  nextDueMs: number | undefined = undefined;

  constructor(private readonly log: CallLog) {}

  startPurchase(saga: NewSaga): Promise<OrderSaga> {
    this.saga = makeSaga(SagaKind.PURCHASE, saga);
    return this.log.call('journal.start', this.saga);
  }

  startRefund(saga: NewSaga): Promise<OrderSaga> {
    this.saga = makeSaga(SagaKind.REFUND, saga);
    return this.log.call('journal.start', this.saga);
  }

  async recordProgress(_id: number, itemUid?: string): Promise<void> {
    await this.log.call(itemUid ? 'journal.progress item' : 'journal.progress', undefined);
    if (this.saga && itemUid) this.saga.itemUid = itemUid;
  }

  async recordItem(_id: number, itemUid: string): Promise<void> {
    await this.log.call('journal.item', undefined);
    if (this.saga) this.saga.itemUid = itemUid;
  }

  async completePurchase(
    _id: number,
    _order: Pick<Order, 'orderUid' | 'userUid' | 'itemUid'>,
  ): Promise<void> {
    await this.log.call('journal.complete', undefined);
    this.moveTo(SagaState.STARTED, SagaState.COMPLETED);
  }

  async completeRefund(_id: number, _orderUid: string): Promise<void> {
    await this.log.call('journal.complete', undefined);
    this.moveTo(SagaState.STARTED, SagaState.COMPLETED);
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

  claim(_id: number): Promise<OrderSaga | undefined> {
    const claimable = this.saga?.state === SagaState.COMPENSATING;
    if (claimable) (this.saga as OrderSaga).attempts += 1;
    return this.log.call('journal.claim', claimable ? { ...(this.saga as OrderSaga) } : undefined);
  }

  findUnfinished(_orderUid: string, kind: SagaKind): Promise<OrderSaga | undefined> {
    const unfinished =
      this.saga?.kind === kind && [SagaState.STARTED, SagaState.COMPENSATING].includes(this.saga.state);
    return this.log.call('journal.findUnfinished', unfinished ? this.saga : undefined);
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

export function makeSaga(kind: SagaKind, fields: Partial<OrderSaga> = {}): OrderSaga {
  return Object.assign(new OrderSaga(), {
    id: 1,
    kind,
    orderUid: ORDER_UID,
    userUid: USER_UID,
    model: SELECTION.model,
    size: SELECTION.size,
    itemUid: null,
    state: SagaState.STARTED,
    attempts: 0,
    nextAttemptAt: null,
    lockedUntil: null,
    lastError: null,
    createdAt: new Date(),
    updatedAt: new Date(),
    ...fields,
  });
}
