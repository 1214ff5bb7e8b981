import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { ItemSelection, OrderCreatedResponse, OrderItemResponse } from '@app/contracts';
import { WarehouseClient, WarrantyClient } from '@app/service-client';
import { OrderSaga } from './order-saga.entity';
import { isAnswer, SagaCompensator, SagaSteps, unlessNotFound } from './saga-compensator';
import { SagaJournal, SagaJournalPort } from './saga-journal';

export type PurchaseWarehouse = Pick<WarehouseClient, 'takeItem' | 'returnItem'>;
export type PurchaseWarranty = Pick<WarrantyClient, 'start' | 'close'>;

/**
 * Placing an order, all or nothing: take the item from warehouse → start its warranty → store
 * the order as PAID (in one transaction with the saga's end). If a step fails, the warranty is
 * closed and the item returned before the error goes back to the caller; what cannot be undone
 * right now is retried by the CompensationWorker until it has been.
 */
@Injectable()
export class PurchaseSaga implements SagaSteps {
  constructor(
    @Inject(SagaJournal) private readonly journal: SagaJournalPort,
    private readonly compensator: SagaCompensator,
    @Inject(WarehouseClient) private readonly warehouse: PurchaseWarehouse,
    @Inject(WarrantyClient) private readonly warranty: PurchaseWarranty,
  ) {}

  async run(userUid: string, selection: ItemSelection): Promise<OrderCreatedResponse> {
    const { model, size } = selection;
    // Journal first: from here on, a crash at any point leaves a record the worker can undo.
    const saga = await this.journal.startPurchase({
      orderUid: randomUUID(),
      userUid,
      model,
      size,
      itemUid: null,
    });
    let item: OrderItemResponse;
    try {
      item = await this.warehouse.takeItem({ orderUid: saga.orderUid, model, size });
    } catch (error) {
      // 404 or 409: warehouse took nothing. Unavailable: it may have, so compensate.
      if (isAnswer(error)) await this.compensator.dismiss(saga, error);
      else await this.compensator.abort(saga, error, this);
      throw error;
    }
    try {
      await this.journal.recordProgress(saga.id, item.orderItemUid);
      await this.warranty.start(item.orderItemUid);
      await this.journal.completePurchase(saga.id, {
        orderUid: saga.orderUid,
        userUid,
        itemUid: item.orderItemUid,
      });
    } catch (error) {
      await this.compensator.abort(saga, error, this);
      throw error;
    }
    return { orderUid: saga.orderUid };
  }

  /**
   * Closes the warranty, then returns the item: the reverse order of the steps. Both are tried
   * even when the first cannot run now, so that with warranty down the stock is still restored
   * at once; only a saga whose every step ran is rolled back.
   */
  async compensate(saga: OrderSaga): Promise<void> {
    const itemUid = saga.itemUid ?? (await this.findTakenItem(saga));
    if (itemUid === undefined) return; // nothing was taken, so no warranty was started either
    const failures: unknown[] = [];
    // A timed-out start may still have been applied, so close even when the start "failed".
    await this.warranty
      .close(itemUid)
      .catch(unlessNotFound)
      .catch((error) => failures.push(error));
    await this.warehouse
      .returnItem(itemUid)
      .catch(unlessNotFound)
      .catch((error) => failures.push(error));
    if (failures.length > 0) throw failures[0];
  }

  /**
   * The item of a saga that failed or died before recording it, found by repeating the take for
   * the same order (idempotent per order): the unit it already took, or — if the first take never
   * happened — a unit taken now and returned right after. 404/409: warehouse took nothing.
   */
  private async findTakenItem(saga: OrderSaga): Promise<string | undefined> {
    let item: OrderItemResponse;
    try {
      item = await this.warehouse.takeItem({ orderUid: saga.orderUid, model: saga.model, size: saga.size });
    } catch (error) {
      if (isAnswer(error)) return undefined;
      throw error;
    }
    await this.journal.recordItem(saga.id, item.orderItemUid);
    return item.orderItemUid;
  }
}
