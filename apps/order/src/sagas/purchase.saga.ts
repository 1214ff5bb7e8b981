import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { ItemSelection, OrderCreatedResponse, OrderItemResponse, Size } from '@app/contracts';
import { InProgressError, UnprocessableError } from '@app/errors';
import { WarehouseClient, WarrantyClient } from '@app/service-client';
import { OrderSaga, SagaKind, SagaState } from './order-saga.entity';
import { SagaJournal, SagaJournalPort } from './saga-journal';
import { isAnswer, SagaRecovery, SagaSteps, unlessNotFound } from './saga-recovery';

export type PurchaseWarehouse = Pick<WarehouseClient, 'takeItem' | 'returnItem'>;
export type PurchaseWarranty = Pick<WarrantyClient, 'start' | 'void'>;

/**
 * Placing an order, all or nothing (README.md): take the item from warehouse → start its
 * warranty → the pivot: the order stored as PAID in the transaction that completes the saga.
 * Both remote steps are compensable — the item is returned, the warranty voided — and nothing
 * follows the pivot. A failed step is compensated before the error goes back to the caller; what
 * cannot be undone right now is retried by the SagaWorker until it has been.
 */
@Injectable()
export class PurchaseSaga implements SagaSteps {
  constructor(
    @Inject(SagaJournal) private readonly journal: SagaJournalPort,
    private readonly recovery: SagaRecovery,
    @Inject(WarehouseClient) private readonly warehouse: PurchaseWarehouse,
    @Inject(WarrantyClient) private readonly warranty: PurchaseWarranty,
  ) {}

  /**
   * With an Idempotency-Key, a purchase that ran already (its answer lost) is answered with its
   * order instead of buying twice; one still running is a 409 to retry later.
   */
  async run(userUid: string, selection: ItemSelection, requestKey?: string): Promise<OrderCreatedResponse> {
    if (requestKey !== undefined) {
      const earlier = await this.journal.findByRequestKey(SagaKind.PURCHASE, requestKey);
      if (earlier) return answerOf(earlier, userUid, selection);
    }
    const { model, size } = selection;
    // Journal first: from here on, a crash at any point leaves a record the worker can undo.
    const saga = await this.journal.startPurchase({
      orderUid: randomUUID(),
      userUid,
      model,
      size,
      itemUid: null,
      requestKey: requestKey ?? null,
    });
    let item: OrderItemResponse;
    try {
      item = await this.warehouse.takeItem({ orderUid: saga.orderUid, model, size });
    } catch (error) {
      // 404 or 409: warehouse took nothing. Unavailable: it may have, so compensate.
      if (isAnswer(error)) await this.recovery.dismiss(saga, error);
      else await this.recovery.abort(saga, error, this);
      throw error;
    }
    try {
      await this.journal.recordProgress(saga.id, item.orderItemUid);
      await this.warranty.start(item.orderItemUid);
    } catch (error) {
      await this.recovery.abort(saga, error, this);
      throw error;
    }
    try {
      await this.journal.completePurchase(saga.id, {
        orderUid: saga.orderUid,
        userUid,
        itemUid: item.orderItemUid,
      });
    } catch (error) {
      // The pivot's commit may have gone through although its answer was lost.
      if (await this.completedAnyway(saga)) return { orderUid: saga.orderUid };
      await this.recovery.abort(saga, error, this);
      throw error;
    }
    return { orderUid: saga.orderUid };
  }

  /**
   * Voids the warranty, then returns the item: the reverse order of the steps. Both are tried
   * even when the first cannot run now, so that with warranty down the stock is still restored
   * at once; only a saga whose every step ran is rolled back. Voiding leaves a mark in warranty,
   * so a start that was held up and arrives later does not open the warranty again; warehouse
   * likewise never takes a returned unit again for the same order.
   */
  async compensate(saga: OrderSaga): Promise<void> {
    const itemUid = saga.itemUid ?? (await this.findTakenItem(saga));
    if (itemUid === undefined) return; // nothing was taken, so no warranty was started either
    const failures: unknown[] = [];
    await this.warranty.void(itemUid).catch((error: unknown) => failures.push(error));
    await this.warehouse
      .returnItem(itemUid)
      .catch(unlessNotFound)
      .catch((error: unknown) => failures.push(error));
    if (failures.length > 0) throw failures[0];
  }

  /** Nothing follows a purchase's pivot. */
  finish(_saga: OrderSaga): Promise<void> {
    return Promise.resolve();
  }

  /**
   * The item of a saga that failed or died before recording it, found by repeating the take for
   * the same order (idempotent per order): the unit it already took, or — if the first take never
   * happened — a unit taken now and returned right after, which also fences off the first take
   * should it still arrive. 404/409: warehouse holds nothing for the order.
   */
  private async findTakenItem(saga: OrderSaga): Promise<string | undefined> {
    let item: OrderItemResponse;
    try {
      // A purchase saga always records what it buys.
      item = await this.warehouse.takeItem({
        orderUid: saga.orderUid,
        model: saga.model as string,
        size: saga.size as Size,
      });
    } catch (error) {
      if (isAnswer(error)) return undefined;
      throw error;
    }
    await this.journal.recordItem(saga.id, item.orderItemUid);
    return item.orderItemUid;
  }

  private async completedAnyway(saga: OrderSaga): Promise<boolean> {
    try {
      return (await this.journal.stateOf(saga.id)) === SagaState.COMPLETED;
    } catch {
      return false; // the database is not there: the worker settles the saga later
    }
  }
}

/** The answer to a purchase repeated with the Idempotency-Key of an earlier one. */
function answerOf(earlier: OrderSaga, userUid: string, selection: ItemSelection): OrderCreatedResponse {
  if (earlier.userUid !== userUid || earlier.model !== selection.model || earlier.size !== selection.size) {
    throw new UnprocessableError('This Idempotency-Key was used for another purchase');
  }
  if (earlier.state !== SagaState.COMPLETED) {
    throw new InProgressError('A purchase with this Idempotency-Key is in progress');
  }
  return { orderUid: earlier.orderUid };
}
