import { Inject, Injectable } from '@nestjs/common';
import { WarehouseClient, WarrantyClient } from '@app/service-client';
import { ConflictError } from '@app/errors';
import { Order } from '../orders/order.entity';
import { OrderSaga, SagaKind } from './order-saga.entity';
import { SagaCompensator, SagaSteps, unlessNotFound } from './saga-compensator';
import { SagaJournal, SagaJournalPort } from './saga-journal';

export type RefundWarehouse = Pick<WarehouseClient, 'findOrderItem' | 'returnItem' | 'takeItem'>;
export type RefundWarranty = Pick<WarrantyClient, 'close'>;

/**
 * Returning an order, all or nothing: return the item to warehouse → close the warranty → mark
 * the order CANCELED (in one transaction with the saga's end). The warranty is closed last of
 * the remote steps because the contract has no way to reopen it. If a step fails, the item is
 * taken back for the order, so the order stays PAID with its item and its warranty as before.
 */
@Injectable()
export class RefundSaga implements SagaSteps {
  constructor(
    @Inject(SagaJournal) private readonly journal: SagaJournalPort,
    private readonly compensator: SagaCompensator,
    @Inject(WarehouseClient) private readonly warehouse: RefundWarehouse,
    @Inject(WarrantyClient) private readonly warranty: RefundWarranty,
  ) {}

  /** Refunds a PAID order (the caller has checked that it exists and is PAID). */
  async run(order: Order): Promise<void> {
    await this.settleEarlierAttempt(order.orderUid);
    // Model and size are what a re-take needs; a read, so failing here leaves nothing to undo.
    const item = await this.warehouse.findOrderItem(order.itemUid);
    const saga = await this.journal.startRefund({
      orderUid: order.orderUid,
      userUid: order.userUid,
      model: item.model,
      size: item.size,
      itemUid: order.itemUid,
    });
    try {
      await this.warehouse.returnItem(order.itemUid);
      await this.journal.recordProgress(saga.id);
      await this.warranty.close(order.itemUid).catch(unlessNotFound);
      await this.journal.completeRefund(saga.id, order.orderUid);
    } catch (error) {
      await this.compensator.abort(saga, error, this);
      throw error;
    }
  }

  /**
   * Takes the item back for the order. The re-take is idempotent per order: a unit that was not
   * returned (or was re-taken already) is left as it is, so it is safe to repeat.
   */
  async compensate(saga: OrderSaga): Promise<void> {
    await this.warehouse.takeItem({ orderUid: saga.orderUid, model: saga.model, size: saga.size });
  }

  /**
   * An earlier refund of this order that failed and whose rollback is still pending (its
   * service was down) is rolled back now, so that the user's retry does not wait for the
   * worker's back-off. One that is running right now makes this one a conflict.
   */
  private async settleEarlierAttempt(orderUid: string): Promise<void> {
    const earlier = await this.journal.findUnfinished(orderUid, SagaKind.REFUND);
    if (!earlier) return;
    const claimed = await this.journal.claim(earlier.id);
    if (!claimed) throw new ConflictError(`A refund of order '${orderUid}' is in progress already`);
    const failure = await this.compensator.compensate(claimed, this);
    if (failure !== undefined) throw failure;
  }
}
