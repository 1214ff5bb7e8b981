import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { ItemSelection, OrderCreatedResponse, OrderItemResponse } from '@app/contracts';
import { InProgressError, UnprocessableError } from '@app/errors';
import { WarehouseClient, WarrantyClient } from '@app/service-client';
import { OrderSaga, SagaKind, SagaState } from './order-saga.entity';
import { assertBeforeDeadline, SagaJournal, SagaJournalPort } from './saga-journal';
import { isAnswer, SagaRecovery, SagaSteps } from './saga-recovery';

export type PurchaseWarehouse = Pick<WarehouseClient, 'takeItem' | 'voidOrder'>;
export type PurchaseWarranty = Pick<WarrantyClient, 'start' | 'void'>;

/**
 * Placing an order, all or nothing (README.md): take the item from warehouse → start its
 * warranty → the pivot: the order stored as PAID in the statement that completes the saga.
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
    assertBeforeDeadline();
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
    // Not journaled: a compensation learns the unit from warehouse's void, or from this request.
    const knowingTheUnit = this.withUnit(item.orderItemUid);
    try {
      await this.warranty.start(item.orderItemUid);
    } catch (error) {
      await this.recovery.abort(saga, error, knowingTheUnit);
      throw error;
    }
    try {
      assertBeforeDeadline(); // the pivot only while the caller still waits for the answer
      await this.journal.completePurchase(saga.id, {
        orderUid: saga.orderUid,
        userUid,
        itemUid: item.orderItemUid,
      });
    } catch (error) {
      // The pivot's commit may have gone through although its answer was lost.
      if (await this.completedAnyway(saga)) return { orderUid: saga.orderUid };
      await this.recovery.abort(saga, error, knowingTheUnit);
      throw error;
    }
    return { orderUid: saga.orderUid };
  }

  /**
   * Voids the order's take, then the warranty of the unit it held. Warehouse's answer names that
   * unit, so the journal need not record it between the steps (a statement fewer per purchase,
   * round nine of docs/benchmarks.md); a saga journaled by an earlier version may still carry it.
   * With warranty down the stock is still restored at once; with warehouse down the unit is not
   * known, and the whole compensation is tried again later. Only a saga whose every undo ran is
   * rolled back. Both undos leave a mark, so that a step held up on its way and arriving later
   * does nothing: warehouse never takes for a voided order, warranty never opens a voided
   * warranty. A warranty is started only after the take's answer, so an order that holds no unit
   * has none to void.
   */
  async compensate(saga: OrderSaga): Promise<void> {
    const failures: unknown[] = [];
    let heldUnit: string | null | undefined; // undefined: not known
    try {
      heldUnit = (await this.warehouse.voidOrder(saga.orderUid))?.orderItemUid;
      // A warehouse of an earlier version voids without naming the unit (204): try again later.
      if (heldUnit === undefined)
        failures.push(new Error('Warehouse voided the order without naming its unit'));
    } catch (error) {
      failures.push(error);
    }
    const itemUid = heldUnit ?? saga.itemUid;
    if (itemUid !== null) {
      await this.warranty.void(itemUid).catch((error: unknown) => failures.push(error));
    }
    if (failures.length > 0) throw failures[0];
  }

  /**
   * These steps, compensating with the unit this request was told of when the journal has none:
   * with warehouse down, the warranty is still voided before the answer.
   */
  private withUnit(itemUid: string): SagaSteps {
    return {
      compensate: (saga) => this.compensate({ ...saga, itemUid: saga.itemUid ?? itemUid }),
      finish: (saga) => this.finish(saga),
    };
  }

  /** Nothing follows a purchase's pivot. */
  finish(_saga: OrderSaga): Promise<void> {
    return Promise.resolve();
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
