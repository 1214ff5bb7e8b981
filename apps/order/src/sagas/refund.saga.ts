import { setTimeout as delay } from 'node:timers/promises';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { Size } from '@app/contracts';
import {
  ConflictError,
  describeError,
  DomainException,
  InProgressError,
  UnprocessableError,
} from '@app/errors';
import { timeLeftMs } from '@app/request-context';
import { WarehouseClient, WarrantyClient } from '@app/service-client';
import { assertCancelable } from '../orders/order-state';
import { Order } from '../orders/order.entity';
import { OrderSaga, SagaKind } from './order-saga.entity';
import { assertBeforeDeadline, SagaJournal, SagaJournalPort } from './saga-journal';
import { describeSaga, isAnswer, SagaRecovery, SagaSteps, unlessNotFound } from './saga-recovery';

export type RefundWarehouse = Pick<WarehouseClient, 'findOrderItem' | 'returnItem'>;
export type RefundWarranty = Pick<WarrantyClient, 'find' | 'close'>;

/**
 * Returning an order, all or nothing (README.md). Before the pivot nothing is changed anywhere:
 * warehouse and warranty are only asked about the item, so that with either of them down the
 * answer is 503 and the refund never began. The pivot is the order service's own transaction:
 * the order CANCELED and the saga COMMITTED together. After it the item's return and the
 * warranty's close are retried forward until both have run — each is idempotent — so the unit
 * goes back to stock only once the refund is certain, and the warranty is never closed by a
 * refund that does not happen.
 */
@Injectable()
export class RefundSaga implements SagaSteps {
  private readonly logger = new Logger('Sagas');

  constructor(
    @Inject(SagaJournal) private readonly journal: SagaJournalPort,
    private readonly recovery: SagaRecovery,
    @Inject(WarehouseClient) private readonly warehouse: RefundWarehouse,
    @Inject(WarrantyClient) private readonly warranty: RefundWarranty,
  ) {}

  /**
   * Refunds a PAID order; a CANCELED one is a 409. With an Idempotency-Key, a refund that
   * committed already (its answer lost) is answered as done instead of with a 409.
   */
  async run(order: Order, requestKey?: string): Promise<void> {
    if (requestKey !== undefined && (await this.ranAlready(order, requestKey))) return;
    assertCancelable(order);
    const item = await this.ensureReachable(order.itemUid);
    let saga: OrderSaga;
    try {
      assertBeforeDeadline(); // the pivot only while the caller still waits for the answer
      saga = await this.journal.commitRefund({
        orderUid: order.orderUid,
        userUid: order.userUid,
        model: item.model,
        size: item.size,
        itemUid: order.itemUid,
        requestKey: requestKey ?? null,
      });
    } catch (error) {
      // A twin request with the same key committed first: this request is that refund.
      const lostRace = error instanceof ConflictError || error instanceof InProgressError;
      if (requestKey !== undefined && lostRace && (await this.ranAlready(order, requestKey))) return;
      // The commit may have gone through although its answer was lost (the connection dropped).
      const committed = error instanceof DomainException ? undefined : await this.committedAnyway(order);
      if (!committed) throw error;
      saga = committed;
    }
    await this.finishWithinDeadline(saga);
  }

  /**
   * The refund has happened. Its remaining steps run now, but the answer does not wait for them
   * past the caller's deadline: a step that cannot run now is finished by the worker.
   */
  private async finishWithinDeadline(saga: OrderSaga): Promise<void> {
    const finishing = this.recovery
      .finish(saga, this)
      .catch((error: unknown) => error)
      .then((failure) => {
        if (failure !== undefined) {
          this.logger.warn(
            `${describeSaga(saga)} committed; its remaining steps wait: ${describeError(failure)}`,
          );
        }
      });
    const left = timeLeftMs();
    if (left === undefined) return finishing;
    const deadline = new AbortController();
    const deadlinePassed = delay(Math.max(0, left), undefined, { signal: deadline.signal }).catch(
      () => undefined,
    );
    await Promise.race([finishing, deadlinePassed]);
    deadline.abort(); // no timer left behind once the steps are done
  }

  private async committedAnyway(order: Order): Promise<OrderSaga | undefined> {
    try {
      return await this.journal.findCommittedRefund(order.orderUid);
    } catch {
      return undefined; // the database is not there: the answer is the commit's error
    }
  }

  /** Nothing is done before a refund's pivot, so nothing is ever undone. */
  compensate(_saga: OrderSaga): Promise<void> {
    return Promise.resolve();
  }

  /** The item back to stock and the warranty closed; both run even if the other cannot now. */
  async finish(saga: OrderSaga): Promise<void> {
    const itemUid = saga.itemUid as string;
    const results = await Promise.allSettled([
      this.warehouse.returnItem(itemUid).catch(unlessNotFound),
      this.warranty.close(itemUid).catch(unlessNotFound),
    ]);
    const failed = results.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
  }

  private async ranAlready(order: Order, requestKey: string): Promise<boolean> {
    const earlier = await this.journal.findByRequestKey(SagaKind.REFUND, requestKey);
    if (!earlier) return false;
    if (earlier.orderUid !== order.orderUid) {
      throw new UnprocessableError('This Idempotency-Key was used for the refund of another order');
    }
    return true;
  }

  /**
   * Both services the refund needs answer now (about the item: 200 or 404 alike), else the
   * unavailable one's 503 goes back and nothing has happened. Returns the item's model and size
   * for the journal, when warehouse knows the item.
   */
  private async ensureReachable(itemUid: string): Promise<{ model: string | null; size: Size | null }> {
    const answered = (error: unknown) => {
      if (!isAnswer(error)) throw error;
      return undefined;
    };
    const [item] = await Promise.all([
      this.warehouse.findOrderItem(itemUid).catch(answered),
      this.warranty.find(itemUid).catch(answered),
    ]);
    return { model: item?.model ?? null, size: item?.size ?? null };
  }
}
